using System.Text;

namespace Sync.ProspectEditor.Imports;

/// <summary>
/// One record of a CSV file: its values, the physical line it starts on, and what is wrong with it, if anything.
/// <paramref name="EndsReading"/> is set on a record so broken that the rest of the file cannot be read.
/// </summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string> Values, string? Error, bool EndsReading = false);

/// <summary>
/// A streaming RFC 4180 reader: it holds one record at a time, whatever the file's size. Quoted values may hold commas,
/// doubled quotes and line breaks; lines end in CRLF, LF or CR. A malformed record is returned with its error, and reading
/// goes on with the next one, so one bad row never costs the good ones. Only a record longer than the limit (typically an
/// unclosed quote swallowing the rest of the file) ends the reading.
/// </summary>
public sealed class CsvRecordReader(TextReader reader, int maxRecordLength)
{
    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _value = new();
    private readonly List<string> _values = [];
    private int _position;
    private int _length;
    private bool _endOfInput;
    private bool _stopped;
    private long _line = 1;
    private bool _lastWasCarriageReturn;
    private bool _skipLineFeed;
    private State _state = State.FieldStart;
    private bool _recordStarted;
    private long _recordLine;
    private int _recordLength;
    private string? _error;

    /// <summary>The next record that is not a blank line, or null at the end of the file.</summary>
    public async ValueTask<CsvRecord?> Read(CancellationToken cancellationToken)
    {
        while (!_stopped)
        {
            if (_position == _length)
            {
                if (_endOfInput)
                {
                    _stopped = true;
                    return _recordStarted ? FinishLastRecord() : null;
                }
                _length = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken);
                _position = 0;
                _endOfInput = _length == 0;
                continue;
            }

            if (Scan() is { } record && !IsBlank(record))
                return record;
        }
        return null;
    }

    private CsvRecord? Scan()
    {
        while (_position < _length)
        {
            var character = _buffer[_position++];
            var characterLine = _line;
            if (character == '\n')
            {
                if (!_lastWasCarriageReturn)
                    _line++;
                _lastWasCarriageReturn = false;
            }
            else
            {
                _lastWasCarriageReturn = character == '\r';
                if (_lastWasCarriageReturn)
                    _line++;
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (character == '\n')
                    continue;
            }
            if (!_recordStarted)
            {
                _recordStarted = true;
                _recordLine = characterLine;
            }
            if (++_recordLength > maxRecordLength)
            {
                _stopped = true;
                return new CsvRecord(_recordLine, [],
                    $"The record is longer than {maxRecordLength} characters (an unclosed quote?); the rest of the file was not read.", EndsReading: true);
            }

            switch (_state)
            {
                case State.Quoted:
                    if (character == '"')
                        _state = State.QuoteInQuoted;
                    else
                        _value.Append(character);
                    break;

                case State.QuoteInQuoted when character == '"':
                    _value.Append('"');
                    _state = State.Quoted;
                    break;

                case State.FieldStart when character == '"':
                    _state = State.Quoted;
                    break;

                default:
                    if (character == ',')
                    {
                        EndValue();
                    }
                    else if (character is '\r' or '\n')
                    {
                        EndValue();
                        _skipLineFeed = character == '\r';
                        return EndRecord();
                    }
                    else
                    {
                        if (_state == State.QuoteInQuoted)
                            _error ??= "Text follows the closing quote of a quoted value; quote the whole value.";
                        else if (character == '"')
                            _error ??= "A quote appears inside an unquoted value; quote the whole value and double the quotes inside it.";
                        _value.Append(character);
                        _state = State.Unquoted;
                    }
                    break;
            }
        }
        return null;
    }

    private CsvRecord FinishLastRecord()
    {
        if (_state == State.Quoted)
            _error ??= "A quoted value is never closed before the end of the file.";
        EndValue();
        return EndRecord();
    }

    private void EndValue()
    {
        var value = _value.ToString();
        if (value.Contains('\uFFFD'))
            _error ??= "The text is not valid UTF-8.";
        _values.Add(value);
        _value.Clear();
        _state = State.FieldStart;
    }

    private CsvRecord EndRecord()
    {
        var record = new CsvRecord(_recordLine, _values.ToArray(), _error);
        _values.Clear();
        _error = null;
        _recordStarted = false;
        _recordLength = 0;
        _state = State.FieldStart;
        return record;
    }

    private static bool IsBlank(CsvRecord record) => record.Error is null && record.Values.All(value => value.Length == 0);
}
