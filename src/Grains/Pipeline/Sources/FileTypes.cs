using System.Runtime.InteropServices;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>What a path names, following symbolic links (<c>statx</c>; .NET tells a FIFO or a device from a file by none of its APIs).</summary>
internal enum FileType
{
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    /// <summary>Not Linux, or the call failed otherwise: no check was possible.</summary>
    Unknown,
}

internal static partial class FileTypes
{
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;   // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode (the same on every architecture)

    private const int AtEmptyPath = 0x1000;
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000;   // the same on x86-64 and arm64

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    /// <summary>What an open descriptor is (the file itself, whatever links led to it).</summary>
    public static FileType Of(SafeHandle handle) => Stat(checked((int)handle.DangerousGetHandle()), "", AtEmptyPath);

    /// <summary>
    /// Opens <paramref name="path"/> for reading without waiting (a named pipe with no writer would block an ordinary
    /// open for ever), or null with the system's reason. Linux only.
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenForReading(string path, out string? error)
    {
        var fd = OpenFile(path, ORdOnly | ONonBlock | OCloExec);
        if (fd < 0)
        {
            error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            return null;
        }
        error = null;
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    private static FileType Stat(int dirfd, string path, int flags)
    {
        if (!OperatingSystem.IsLinux()) return FileType.Unknown;
        var buffer = new byte[256];
        try
        {
            if (Statx(dirfd, path, flags, StatxType, ref buffer[0]) != 0) return FileType.Unknown;
        }
        catch (EntryPointNotFoundException)
        {
            return FileType.Unknown;
        }
        return (BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000) switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0x1000 => FileType.Fifo,
            0x2000 => FileType.CharacterDevice,
            0x6000 => FileType.BlockDevice,
            0xC000 => FileType.Socket,
            _ => FileType.Unknown,
        };
    }

    /// <summary>How an administrator would name it.</summary>
    public static string Describe(FileType type) => type switch
    {
        FileType.Directory => "a directory",
        FileType.Fifo => "a named pipe",
        FileType.CharacterDevice => "a character device",
        FileType.BlockDevice => "a block device",
        FileType.Socket => "a socket",
        _ => "not a regular file",
    };
}
