using System.Buffers;
using System.Text;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Microsoft.Extensions.Options;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>Where <c>file</c> sources may be read from.</summary>
public sealed class FileSourceOptions
{
    public const string Section = "Sources:File";

    /// <summary>
    /// Directories under which export locations must lie. Empty means any absolute path (a developer
    /// machine); deployments list their mounted export volumes here.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];
}

/// <summary>
/// Checks a <c>file</c> source location: absolute, no <c>..</c> segments, and (following symbolic links)
/// inside one of the allowed roots. The API uses it to answer 400; the pipeline uses it again on the silo.
/// </summary>
public sealed class FileSourceGuard(IOptions<FileSourceOptions> options)
{
    /// <summary>True when no allowed root is configured: any absolute path this process can read is accepted.</summary>
    public bool Unrestricted => Roots().Count == 0;

    /// <summary>Null when the location is acceptable, else the reason.</summary>
    public string? Problem(string? location)
    {
        if (string.IsNullOrWhiteSpace(location)) return "location is required for a file source";
        if (HasControlOrBrokenText(location)) return "location must not contain control characters or invalid Unicode";
        if (!Path.IsPathFullyQualified(location)) return "location must be an absolute path";
        if (location.Split('/', '\\').Any(segment => segment == "..")) return "location must not contain '..' segments";
        var roots = Roots();
        if (roots.Count == 0) return null;
        var target = Canonical(location);
        if (roots.Any(root => IsUnder(target, root))) return null;
        // Named as configured, so an administrator knows where exports go (only admins may submit).
        var named = Configured();
        return $"location is outside the allowed source roots ({string.Join(", ", named.Take(5))}{(named.Count > 5 ? ", ..." : "")})";
    }

    private List<string> Roots() => Configured().Select(Canonical).ToList();

    private List<string> Configured() => options.Value.AllowedRoots.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();

    /// <summary>The canonical directory to read, or an <see cref="ExportFileException"/> naming the problem.</summary>
    public string Resolve(string? location)
    {
        if (Problem(location) is { } problem) throw new ExportFileException($"export location rejected: {problem}");
        var full = Canonical(location!);
        if (!Directory.Exists(full)) throw new ExportFileException($"export location '{location}' does not exist or is not a directory");
        return full;
    }

    /// <summary>
    /// The entity files of the export at <paramref name="location"/> for the data types asked for. Each is checked when it
    /// is opened (<see cref="OpenEntityFile"/>): the preflight opens every one before a record is read.
    /// </summary>
    /// <exception cref="ExportFileException">The location's problem, naming it.</exception>
    public IReadOnlyDictionary<EntityKind, string> EntityFiles(string? location, IReadOnlyCollection<string> dataTypes) =>
        ExportLayout.Discover(Resolve(location), dataTypes);

    /// <summary>
    /// Opens an entity file for reading, checked on the open file itself, so what is read is what was checked (a path
    /// checked first and opened later could be swapped meanwhile, and a link's target judged by its text, <c>d/../x</c>,
    /// is not the file the kernel opens): with roots configured, its real path (the kernel's, every link resolved) lies
    /// inside a root (a link among an export's files led to any file the silo can read: a secret, the signing key); and
    /// it is a regular file (a named pipe blocks a read until someone writes, <c>/dev/zero</c> never ends). Opened
    /// without waiting, so a pipe never blocks. The checks need Linux (the service's containers); elsewhere (a
    /// developer's machine) the file is opened as it is.
    /// </summary>
    /// <exception cref="ExportFileException">The file cannot be opened or is refused, naming it.</exception>
    public Stream OpenEntityFile(string path)
    {
        if (!OperatingSystem.IsLinux()) return EntityFileReader.OpenFile(path);
        var name = Path.GetFileName(path);
        var handle = FileTypes.OpenForReading(path, out var error) ?? throw new ExportFileException($"{name}: cannot be opened ({error})");
        try
        {
            var roots = Roots();
            if (roots.Count > 0)
            {
                var real = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
                if (real is null || !roots.Any(root => IsUnder(real, root)))
                    throw new ExportFileException($"{name}: leads outside the allowed source roots");
            }
            var type = FileTypes.Of(handle);
            if (type is not (FileType.Regular or FileType.Unknown)) throw new ExportFileException($"{name}: is {FileTypes.Describe(type)}, not a regular file");
            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Full path with every symbolic link along it resolved, so a link cannot lead outside a root.</summary>
    internal static string Canonical(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (full.Length == 0) return Path.DirectorySeparatorChar.ToString();
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.DirectorySeparatorChar.ToString();
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            try
            {
                var info = new DirectoryInfo(next);
                if (info.Exists && info.LinkTarget is not null)
                {
                    var resolved = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                    if (resolved is not null) next = Canonical(resolved);
                }
            }
            catch (IOException)
            {
                // Unreadable parts stay as they are; Directory.Exists fails later with a clear message.
            }
            current = next;
        }
        return current;
    }

    /// <summary>NUL and other control characters (path truncation tricks) and unpaired surrogates are never part of a real path.</summary>
    private static bool HasControlOrBrokenText(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done || Rune.IsControl(rune)) return true;
            i += used;
        }
        return false;
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
