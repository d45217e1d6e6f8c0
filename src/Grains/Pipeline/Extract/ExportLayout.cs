using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>Finds the entity files of an export directory (spec, "Layout").</summary>
public static class ExportLayout
{
    /// <summary>The file name suffixes an entity file may have, after the entity name.</summary>
    public static IReadOnlyList<string> Suffixes { get; } = [".csv", ".ndjson", ".csv.gz", ".ndjson.gz"];

    /// <summary>
    /// Finds the entity files of the requested entities in the export directory. Only the top level of the directory is
    /// looked at, only regular files count, and names are matched case-sensitively on every platform.
    /// </summary>
    /// <param name="directory">The export directory.</param>
    /// <param name="dataTypes"><c>CampaignData</c> (campaigns + campaign_performance) and/or <c>ProductCatalogData</c> (catalogs + products).</param>
    /// <returns>Entity -> full path, only for requested entities whose file exists (an absent file is an entity with zero rows).</returns>
    /// <exception cref="ExportFileException">
    /// The directory is missing or unreadable; an entity has two files (<c>campaigns.csv</c> + <c>campaigns.ndjson</c>, or
    /// <c>campaigns.csv</c> + <c>campaigns.csv.gz</c>, ...); a requested data type has none of its files.
    /// </exception>
    /// <exception cref="ArgumentException">A data type is not <c>CampaignData</c> or <c>ProductCatalogData</c> (a caller error, checked first).</exception>
    public static IReadOnlyDictionary<EntityKind, string> Discover(string directory, IReadOnlyCollection<string> dataTypes)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(dataTypes);

        var requested = new List<string>();
        foreach (var dataType in dataTypes)
        {
            if (!EntitySchema.All.Any(s => string.Equals(s.DataType, dataType, StringComparison.Ordinal)))
            {
                var known = string.Join(", ", EntitySchema.All.Select(s => s.DataType).Distinct());
                throw new ArgumentException($"Unknown data type '{dataType}' (expected one of: {known}).", nameof(dataTypes));
            }

            if (!requested.Contains(dataType, StringComparer.Ordinal))
            {
                requested.Add(dataType);
            }
        }

        var fileNames = ListFileNames(directory);

        var result = new Dictionary<EntityKind, string>();
        foreach (var dataType in requested)
        {
            var entities = EntitySchema.All.Where(s => s.DataType == dataType).ToList();
            foreach (var schema in entities)
            {
                var present = Suffixes.Select(suffix => schema.Name + suffix).Where(fileNames.Contains).ToList();
                if (present.Count > 1)
                {
                    throw new ExportFileException(
                        $"Export directory '{directory}' has {present.Count} files for entity '{schema.Name}': " +
                        $"{string.Join(", ", present)}. Keep exactly one of them.");
                }

                if (present.Count == 1)
                {
                    result[schema.Kind] = Path.Combine(directory, present[0]);
                }
            }

            if (entities.All(s => !result.ContainsKey(s.Kind)))
            {
                var expected = entities.SelectMany(s => Suffixes.Select(suffix => s.Name + suffix)).ToList();
                var message =
                    $"Export directory '{directory}' has no file for data type '{dataType}'; expected at least one of: " +
                    $"{string.Join(", ", expected)}.";
                var nearMisses = fileNames
                    .Where(f => expected.Any(e => string.Equals(e, f, StringComparison.OrdinalIgnoreCase)))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (nearMisses.Count > 0)
                {
                    message += $" Found {string.Join(", ", nearMisses)}, but file names are case-sensitive.";
                }

                var folders = expected.Where(name => Directory.Exists(Path.Combine(directory, name))).ToList();
                if (folders.Count > 0)
                {
                    message += $" {string.Join(", ", folders)} {(folders.Count == 1 ? "is a directory" : "are directories")}, not {(folders.Count == 1 ? "a file" : "files")}.";
                }

                throw new ExportFileException(message);
            }
        }

        return result;
    }

    private static HashSet<string> ListFileNames(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ExportFileException("The export directory is not set.");
        }

        try
        {
            if (!Directory.Exists(directory))
            {
                throw new ExportFileException(
                    File.Exists(directory)
                        ? $"Export directory '{directory}' is a file, not a directory."
                        : $"Export directory '{directory}' does not exist.");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in Directory.EnumerateFiles(directory, "*", new EnumerationOptions
            {
                RecurseSubdirectories = false,
                IgnoreInaccessible = false,
                MatchCasing = MatchCasing.CaseSensitive,
                AttributesToSkip = 0,
            }))
            {
                names.Add(Path.GetFileName(path));
            }

            return names;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new ExportFileException($"Export directory '{directory}' cannot be read: {ex.Message}", ex);
        }
    }
}
