using System.Globalization;
using System.Text;

namespace Infra.Cli.Preview;

/// <summary>
/// A line scanner for the block YAML this compiler prints (YamlDotNet's emitter: block mappings and sequences,
/// indentless sequences under keys, plain and double-quoted scalars on one line, literal blocks <c>|</c> <c>|-</c>
/// <c>|+</c>, empty <c>{}</c> and <c>[]</c>). It reads a 7 MB program about five times faster than the parser,
/// because it does only that. Anything outside that shape (comments, anchors, tags, flow collections, single quotes,
/// folded or multi-line scalars, tabs, CR, a duplicate key, deep nesting) makes it give up, and
/// <see cref="YamlTree.Read"/> reads the text with YamlDotNet's parser instead, which also gives the error
/// messages. <c>YamlFastReaderTests</c> holds the two to the same tree on every program the compiler prints and on
/// random trees through the emitter.
/// </summary>
public sealed class YamlFastReader
{
    private sealed class GiveUp : Exception;

    private static readonly GiveUp s_giveUp = new();

    /// <summary>Characters the emitter never leaves raw: other line breaks (CR, NEL, LS, PS), controls, BOM, non-characters.</summary>
    private static readonly System.Buffers.SearchValues<char> s_unusual = System.Buffers.SearchValues.Create(
        "\0\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" +
        "\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f" +
        "\u2028\u2029\uFEFF\uFFFE\uFFFF");

    private readonly string _t;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly StringBuilder _sb = new();

    // The current, not yet consumed line: [_ls, _le), its content starting at column _col; _eof past the last line.
    private int _ls;
    private int _le;
    private int _col;
    private bool _eof;
    private int _depth;

    private YamlFastReader(string text)
    {
        _t = text;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The document's tree, or false when the text is not in the shape this reader knows.</summary>
    public static bool TryRead(string text, out object? root)
    {
        root = null;
        if (text.AsSpan().IndexOfAny(s_unusual) >= 0) return false;
        var reader = new YamlFastReader(text);
        try
        {
            reader.MoveTo(0);
            if (reader._eof) return true;
            if (reader._col != 0 || reader.StartsWith("---") || reader.Char(0) == '%') return false;
            root = reader.Block(-1);
            return reader._eof;
        }
        catch (GiveUp)
        {
            return false;
        }
    }

    // ------------------------------------------------------------------ lines

    /// <summary>Makes the first non-blank line at or after <paramref name="pos"/> current.</summary>
    private void MoveTo(int pos)
    {
        while (pos < _t.Length)
        {
            var le = _t.IndexOf('\n', pos);
            if (le < 0) le = _t.Length;
            var i = pos;
            while (i < le && _t[i] == ' ') i++;
            if (i < le)
            {
                if (_t[i] is '\t' or '#' || _t[le - 1] == '\r') throw s_giveUp;
                _ls = pos;
                _le = le;
                _col = i - pos;
                return;
            }
            pos = le + 1;
        }
        _eof = true;
        _ls = _le = _t.Length;
        _col = 0;
    }

    private void NextLine() => MoveTo(_le + 1);

    private char Char(int offset) => _ls + _col + offset < _le ? _t[_ls + _col + offset] : '\n';

    private bool StartsWith(string s) => string.CompareOrdinal(_t, _ls + _col, s, 0, s.Length) == 0 && _ls + _col + s.Length <= _le;

    private bool AtDash => Char(0) == '-' && Char(1) is ' ' or '\n';

    // ------------------------------------------------------------------ structure

    /// <summary>The node whose content starts at the current position (a block sequence or mapping, or a scalar).</summary>
    private object Block(int parent)
    {
        if (++_depth > YamlTree.MaxDepth) throw s_giveUp;
        try
        {
            if (AtDash) return Sequence(_col);
            if (KeyEnd() >= 0) return Mapping(_col);
            return Inline(_ls + _col, parent);
        }
        finally { _depth--; }
    }

    private YamlTree.Seq Sequence(int col)
    {
        var items = new List<object>();
        while (true)
        {
            if (Char(1) == '\n')
            {
                NextLine();
                items.Add(!_eof && _col > col ? Block(col) : Empty);
            }
            else
            {
                var i = _ls + _col + 2;
                while (i < _le && _t[i] == ' ') i++;
                _col = i - _ls;
                items.Add(Block(col));
            }
            if (_eof || _col < col) return new YamlTree.Seq(items);
            if (_col > col) throw s_giveUp;
            if (!AtDash) return new YamlTree.Seq(items);   // an indentless sequence ends at its mapping's next key
        }
    }

    private YamlTree.Map Mapping(int col)
    {
        var entries = new List<KeyValuePair<string, object>>();
        HashSet<string>? seen = null;
        while (true)
        {
            var end = KeyEnd();
            if (end < 0) throw s_giveUp;
            var key = Key(end);
            if (entries.Count >= 8)
            {
                seen ??= [.. entries.Select(e => e.Key)];
                if (!seen.Add(key)) throw s_giveUp;
            }
            else if (entries.Exists(e => e.Key == key)) throw s_giveUp;
            object value;
            var v = end + 1;
            while (v < _le && _t[v] == ' ') v++;
            if (v == _le)
            {
                NextLine();
                value = _eof ? Empty : _col > col ? Block(col) : _col == col && AtDash ? Sequence(col) : Empty;
            }
            else if (_t[end + 1] != ' ') throw s_giveUp;
            else value = Inline(v, col);
            entries.Add(new(key, value));
            if (_eof || _col < col) return new YamlTree.Map(entries);
            if (_col > col || AtDash) throw s_giveUp;
        }
    }

    /// <summary>The index of the <c>:</c> that ends the key on the current line, or -1 when the line is no key.</summary>
    private int KeyEnd()
    {
        var c = _ls + _col;
        if (_t[c] == '"')
        {
            var close = QuotedEnd(c);
            return close + 1 < _le && _t[close + 1] == ':' && (close + 2 == _le || _t[close + 2] == ' ') ? close + 1 : -1;
        }
        var i = _t.IndexOf(':', c, _le - c);
        while (i >= 0 && i + 1 < _le && _t[i + 1] != ' ') i = _t.IndexOf(':', i + 1, _le - i - 1);
        return i;
    }

    private string Key(int colon)
    {
        var c = _ls + _col;
        if (_t[c] == '"') return Quoted(c, QuotedEnd(c));
        var span = _t.AsSpan(c, colon - c);
        if (!PlainOk(span)) throw s_giveUp;
        return Intern(span);
    }

    /// <summary>A value on the current line from index <paramref name="i"/>: consumes it (and a literal block's lines).</summary>
    private object Inline(int i, int parent)
    {
        var ch = _t[i];
        if (ch == '"')
        {
            var close = QuotedEnd(i);
            for (var j = close + 1; j < _le; j++) if (_t[j] != ' ') throw s_giveUp;
            var text = Quoted(i, close);
            NextLine();
            return new YamlTree.Scalar(text, false);
        }
        if (ch == '|') return Literal(i, parent);
        var span = _t.AsSpan(i, _le - i);
        if (span is "{}" or "[]")
        {
            NextLine();
            return ch == '{' ? new YamlTree.Map([]) : new YamlTree.Seq([]);
        }
        if (!PlainOk(span) || span[^1] == ':') throw s_giveUp;
        var value = span.Length <= 64 ? Intern(span) : span.ToString();
        NextLine();
        return new YamlTree.Scalar(value, true);
    }

    private static readonly YamlTree.Scalar Empty = new("", true);

    /// <summary>Plain text the parser reads back unchanged: no indicator first, no comment, no <c>: </c>, no tab, no trailing space.</summary>
    private static bool PlainOk(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || s[^1] == ' ') return false;
        if (s[0] is '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or '{' or '}' or '[' or ']' or '#' or ',' or '?' or ':')
            return false;
        if (s[0] == '-' && (s.Length == 1 || s[1] == ' ')) return false;
        return s.IndexOf(" #") < 0 && s.IndexOf(": ") < 0 && s.IndexOf('\t') < 0;
    }

    private string Intern(ReadOnlySpan<char> span)
    {
        if (_lookup.TryGetValue(span, out var s)) return s;
        s = span.ToString();
        _strings[s] = s;
        return s;
    }

    // ------------------------------------------------------------------ scalars

    /// <summary>The closing quote of the double-quoted scalar opening at <paramref name="open"/>, on the same line.</summary>
    private int QuotedEnd(int open)
    {
        for (var j = open + 1; j < _le; j++)
        {
            if (_t[j] == '\\') { j++; continue; }
            if (_t[j] == '"') return j;
        }
        throw s_giveUp;
    }

    private string Quoted(int open, int close)
    {
        var body = _t.AsSpan(open + 1, close - open - 1);
        if (body.IndexOf('\\') < 0) return body.Length <= 64 ? Intern(body) : body.ToString();
        _sb.Clear();
        for (var j = 0; j < body.Length; j++)
        {
            var c = body[j];
            if (c != '\\') { _sb.Append(c); continue; }
            var e = body[++j];
            switch (e)
            {
                case '0': _sb.Append('\0'); break;
                case 'a': _sb.Append('\a'); break;
                case 'b': _sb.Append('\b'); break;
                case 't': _sb.Append('\t'); break;
                case 'n': _sb.Append('\n'); break;
                case 'v': _sb.Append('\v'); break;
                case 'f': _sb.Append('\f'); break;
                case 'r': _sb.Append('\r'); break;
                case 'e': _sb.Append('\x1b'); break;
                case ' ' or '"' or '/' or '\\': _sb.Append(e); break;
                case 'N': _sb.Append('\u0085'); break;
                case '_': _sb.Append('\u00a0'); break;
                case 'L': _sb.Append('\u2028'); break;
                case 'P': _sb.Append('\u2029'); break;
                case 'x': Hex(body, ref j, 2); break;
                case 'u': Hex(body, ref j, 4); break;
                case 'U': Hex(body, ref j, 8); break;
                default: throw s_giveUp;
            }
        }
        return _sb.ToString();
    }

    private void Hex(ReadOnlySpan<char> body, ref int j, int digits)
    {
        if (j + digits >= body.Length) throw s_giveUp;
        if (!int.TryParse(body.Slice(j + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            throw s_giveUp;
        _sb.Append(char.ConvertFromUtf32(code));
        j += digits;
    }

    /// <summary>A literal block scalar whose header <c>|</c>, <c>|-</c> or <c>|+</c> is at <paramref name="i"/>.</summary>
    private YamlTree.Scalar Literal(int i, int parent)
    {
        var header = _t.AsSpan(i, _le - i).TrimEnd(' ');
        var chomp = header switch { "|" => ' ', "|-" => '-', "|+" => '+', _ => throw s_giveUp };
        _sb.Clear();
        var indent = -1;
        var empties = 0;
        var pos = _le + 1;
        var stop = _t.Length;
        while (pos < _t.Length)
        {
            var le = _t.IndexOf('\n', pos);
            if (le < 0) le = _t.Length;
            var n = 0;
            while (pos + n < le && _t[pos + n] == ' ') n++;
            if (pos + n == le)
            {
                if (n > 0 || indent < 0) throw s_giveUp;   // spaces-only lines and leading empty lines are kept apart by the emitter
                empties++;
                pos = le + 1;
                continue;
            }
            if (indent < 0)
            {
                if (n <= parent) throw s_giveUp;
                indent = n;
            }
            if (n < indent) { stop = pos; break; }
            var line = _t.AsSpan(pos + indent, le - pos - indent);
            if (line.IndexOfAny('\t', '\r') >= 0) throw s_giveUp;
            if (_sb.Length > 0) _sb.Append('\n', empties + 1);
            _sb.Append(line);
            empties = 0;
            pos = le + 1;
        }
        if (indent < 0) throw s_giveUp;
        if (chomp == ' ') _sb.Append('\n');
        else if (chomp == '+') _sb.Append('\n', empties + 1);
        MoveTo(stop);
        return new YamlTree.Scalar(_sb.ToString(), false);
    }
}
