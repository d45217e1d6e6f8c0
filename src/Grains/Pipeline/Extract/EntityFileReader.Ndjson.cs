using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>The NDJSON side of the reader: one JSON object per line.</summary>
public sealed partial class EntityFileReader
{
    private static readonly JsonReaderOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = int.MaxValue,
    };

    // Column names as UTF-8, and the unknown keys seen so far (warned once each).
    private readonly byte[][] _columnNamesUtf8 = [];
    private readonly HashSet<string> _unknownKeys = new(StringComparer.Ordinal);
    private readonly List<string> _newUnknownKeys = [];
    private char[] _keyChars = new char[64];
    private byte[] _keyBytes = new byte[64];

    private IEnumerable<SourceRecord> ReadNdjson(NdjsonScanner ndjson)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!ndjson.Next())
            {
                yield break;
            }

            if (ndjson.InvalidEncoding)
            {
                yield return InvalidEncodingRecord(ndjson);
                continue;
            }

            if (ndjson.Overflowed)
            {
                throw TooLarge(ndjson.RecordLine, ndjson.MaxRecordBytes);
            }

            var values = new string?[_schema.Columns.Count];
            if (!TryParseObject(ndjson.LineBytes, values, out var problem))
            {
                yield return new SourceRecord(ndjson.RecordLine, RecordProblem.MalformedRow, null, problem);
                continue;
            }

            yield return new SourceRecord(ndjson.RecordLine, RecordProblem.None, values);
        }
    }

    /// <summary>Parses one line as a JSON object into <paramref name="values"/>; false, with why, when it is not valid JSON or not an object.</summary>
    private bool TryParseObject(ReadOnlySpan<byte> line, string?[] values, out string problem)
    {
        _newUnknownKeys.Clear();
        var reader = new Utf8JsonReader(line, JsonOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = $"{Describe(reader.TokenType)}, not an object";
                return false;
            }

            while (true)
            {
                // Inside an object the reader only returns false or a non-name token on broken input, which it reports
                // by throwing; these checks are the belt to its braces.
                if (!reader.Read() || (reader.TokenType != JsonTokenType.EndObject && reader.TokenType != JsonTokenType.PropertyName))
                {
                    problem = "not a complete JSON object";
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var column = ColumnOfKey(ref reader);
                if (!reader.Read())
                {
                    problem = "not a complete JSON object";
                    return false;
                }

                if (column < 0)
                {
                    reader.Skip();
                    continue;
                }

                values[column] = ValueText(ref reader, line);
            }

            // Only whitespace may follow the object (the reader throws on anything else).
            if (reader.Read())
            {
                problem = "more JSON after the object";
                return false;
            }
        }
        catch (JsonException ex)
        {
            problem = $"not valid JSON at byte {ex.BytePositionInLine ?? 0} of the line: {JsonError(ex)}";
            return false;
        }
        catch (InvalidOperationException)
        {
            problem = "a \\u escape that is no Unicode text (an unpaired surrogate) in a key or a value";
            return false;
        }

        foreach (var key in _newUnknownKeys)
        {
            if (_unknownKeys.Count < MaxUnknownKeyWarnings)
            {
                if (_unknownKeys.Add(key))
                {
                    _warnings.Add($"{FileName}: unknown key '{Display(key)}' ignored");
                }
            }
            else if (_unknownKeys.Count == MaxUnknownKeyWarnings && _unknownKeys.Add(key))
            {
                _warnings.Add($"{FileName}: more than {MaxUnknownKeyWarnings} different unknown keys; further ones are not listed");
            }
        }

        problem = "";
        return true;
    }

    /// <summary>A value as the record holds it: strings unescaped, numbers as written, null as null, the rest as raw JSON.</summary>
    private static string? ValueText(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                var start = checked((int)reader.TokenStartIndex);
                reader.Skip();
                return Encoding.UTF8.GetString(line[start..checked((int)reader.BytesConsumed)]);
            default:
                return null;
        }
    }

    /// <summary>
    /// An invalid_encoding line: where the first bad byte is and, when the line is still a JSON object (the JSON reader
    /// does not decode string bytes), the values that are valid text, so that the record's key can be shown.
    /// </summary>
    private SourceRecord InvalidEncodingRecord(NdjsonScanner ndjson)
    {
        var (offset, value) = ndjson.FirstInvalidByte();
        if (offset < 0)
        {
            return new SourceRecord(ndjson.RecordLine, RecordProblem.InvalidEncoding, null, "the line's bytes are not valid UTF-8");
        }

        var line = ndjson.LineBytes;
        var values = new string?[_schema.Columns.Count];
        var where = "";
        var reader = new Utf8JsonReader(line, JsonOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                values = null;
            }

            while (values is not null && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var column = KnownColumn(ref reader);
                reader.Read();
                var start = reader.TokenStartIndex;
                var end = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? -1 : start + reader.ValueSpan.Length + 2;
                if (column >= 0 && offset >= start && offset < end)
                {
                    where = $", in the value of '{_schema.Columns[column].Name}'";
                }

                if (column >= 0 && reader.TokenType is JsonTokenType.String or JsonTokenType.Number
                    && System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                {
                    values[column] = ValueText(ref reader, line);
                }
                else
                {
                    reader.Skip();
                }
            }

            // Like a valid line, the object must be all there is.
            if (values is not null && (reader.TokenType != JsonTokenType.EndObject || reader.Read()))
            {
                values = null;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            values = null;
        }

        return new SourceRecord(ndjson.RecordLine, RecordProblem.InvalidEncoding, null,
            $"the line's bytes are not valid UTF-8: byte 0x{value:X2} at offset {offset} of the line{where}", values);
    }

    /// <summary>The schema column of the property name the reader is on, or -1; never records unknown keys.</summary>
    private int KnownColumn(ref Utf8JsonReader reader)
    {
        var name = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            if (_keyBytes.Length < name.Length)
            {
                _keyBytes = new byte[name.Length];
            }

            name = _keyBytes.AsSpan(0, reader.CopyString(_keyBytes));
        }

        for (var i = 0; i < _columnNamesUtf8.Length; i++)
        {
            if (name.SequenceEqual(_columnNamesUtf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The schema column of the property name the reader is on, or -1 (then noted as unknown key).</summary>
    private int ColumnOfKey(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> name;
        if (!reader.ValueIsEscaped)
        {
            name = reader.ValueSpan;
        }
        else
        {
            if (_keyBytes.Length < reader.ValueSpan.Length)
            {
                _keyBytes = new byte[reader.ValueSpan.Length];
            }

            name = _keyBytes.AsSpan(0, reader.CopyString(_keyBytes));
        }

        var names = _columnNamesUtf8;
        for (var i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        if (_unknownKeys.Count <= MaxUnknownKeyWarnings)
        {
            if (_keyChars.Length < name.Length)
            {
                _keyChars = new char[name.Length];
            }

            var chars = _keyChars.AsSpan(0, Encoding.UTF8.GetChars(name, _keyChars));
            if (!_unknownKeys.GetAlternateLookup<ReadOnlySpan<char>>().Contains(chars))
            {
                _newUnknownKeys.Add(chars.ToString());
            }
        }

        return -1;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a JSON array",
        JsonTokenType.String => "a JSON string",
        JsonTokenType.Number => "a JSON number",
        JsonTokenType.True or JsonTokenType.False => "a JSON boolean",
        JsonTokenType.Null => "JSON null",
        _ => "no JSON value",
    };

    /// <summary>The reader's message without its position suffix (given separately).</summary>
    private static string JsonError(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return Display((cut >= 0 ? message[..cut] : message).TrimEnd());
    }
}
