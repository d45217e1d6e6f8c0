using System.IO.Compression;
using System.Text;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>A legacy export written to a temporary directory, deleted afterwards.</summary>
public sealed class ExportDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("admanager-export-").FullName;

    public ExportDirectory Write(string fileName, string content, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (bom) bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        return WriteBytes(fileName, bytes);
    }

    public ExportDirectory WriteBytes(string fileName, byte[] bytes)
    {
        var full = System.IO.Path.Combine(Path, fileName);
        if (fileName.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(full);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(full, bytes);
        }
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
