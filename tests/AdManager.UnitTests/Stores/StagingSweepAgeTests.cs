using AdManager.Grains.Stores.Postgres;

namespace AdManager.UnitTests.Stores;

public sealed class StagingSweepAgeTests
{
    [Fact]
    public void A_version_7_id_tells_when_it_was_made_to_the_millisecond()
    {
        var made = new DateTimeOffset(2026, 11, 29, 7, 15, 42, 123, TimeSpan.Zero);
        Assert.Equal(made, StagingSweep.CreatedAt(Guid.CreateVersion7(made)));
        Assert.Equal(made.AddDays(-400), StagingSweep.CreatedAt(Guid.CreateVersion7(made.AddDays(-400))));
    }

    [Fact]
    public void Any_other_version_has_no_age()
    {
        Assert.Null(StagingSweep.CreatedAt(Guid.NewGuid()));
        Assert.Null(StagingSweep.CreatedAt(Guid.Empty));
    }
}
