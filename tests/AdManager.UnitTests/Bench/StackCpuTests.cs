using System.Diagnostics;
using AdManager.Benchmarks;

namespace AdManager.UnitTests.Bench;

/// <summary>
/// The bench's idle check counts the CPU of the stack's processes and of their children (PostgreSQL's backends are the
/// postmaster's children): a busy child under an idle parent is counted, a sleeping process is not.
/// </summary>
public sealed class StackCpuTests
{
    [Fact]
    public async Task A_busy_child_of_a_root_is_counted_and_a_sleeping_process_is_not()
    {
        using var parent = Process.Start("sh", ["-c", "sh -c 'while :; do :; done' & sleep 30"]);
        using var sleeper = Process.Start("sleep", "30");
        try
        {
            await Task.Delay(300);
            var busyBefore = StackCpu.Ticks([parent.Id]);
            var idleBefore = StackCpu.Ticks([sleeper.Id]);
            var clock = Stopwatch.StartNew();
            await Task.Delay(1000);
            var busy = StackCpu.Cores(StackCpu.Ticks([parent.Id]) - busyBefore, clock.Elapsed);
            var idle = StackCpu.Cores(StackCpu.Ticks([sleeper.Id]) - idleBefore, clock.Elapsed);

            // The loop has a core to itself on an idle machine; a tenth of one even beside other work.
            Assert.InRange(busy, 0.1, 1.2);
            Assert.Equal(0, idle);
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
            sleeper.Kill();
        }
    }

    [Fact]
    public void Cores_are_ticks_over_time() =>
        Assert.Equal(0.5, StackCpu.Cores(50, TimeSpan.FromSeconds(1)), 6);
}
