using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// Every log entry a host writes (message, structured values, exception), for tests that search the logs; and the same
/// entries as records with their event id and the values of the scopes they were written in (<see cref="Records"/>).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private readonly ConcurrentQueue<LogRecord> _records = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyCollection<string> Entries => _entries;

    /// <summary>The entries in the order written, with their event ids and scope values (an inner scope's value wins).</summary>
    public IReadOnlyCollection<LogRecord> Records => _records;

    public string AllText => string.Join('\n', _entries);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            var message = formatter(state, exception);
            logs._entries.Enqueue($"{logLevel} {category}: {message} {values} {exception}");
            var scopes = new Dictionary<string, string?>(StringComparer.Ordinal);
            logs._scopes?.ForEachScope((scope, into) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                {
                    foreach (var (key, value) in scopePairs) into[key] = value?.ToString();
                }
            }, scopes);
            logs._records.Enqueue(new LogRecord(logLevel, category, eventId.Id, message, scopes));
        }
    }
}

/// <summary>One captured log entry.</summary>
public sealed record LogRecord(LogLevel Level, string Category, int EventId, string Message, IReadOnlyDictionary<string, string?> Scopes);
