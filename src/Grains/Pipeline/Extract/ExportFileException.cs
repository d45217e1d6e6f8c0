using System;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// A file-level problem of an export (missing directory, two files for one entity, bad CSV header, unreadable gzip, ...).
/// The job fails with <see cref="Exception.Message"/>, which names the file and is meant for an administrator.
/// </summary>
public sealed class ExportFileException : Exception
{
    public ExportFileException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
