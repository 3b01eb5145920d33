namespace Infra.Cli.Preview;

/// <summary>
/// The changed lines of a multi-line text (a generated config file): a longest-common-subsequence diff, shown as
/// "- old" / "+ new" lines, bounded so a rewritten file cannot flood a comment.
/// </summary>
public static class LineDiff
{
    public const int MaxLines = 30;
    public const int MaxLineLength = 160;
    private const int MaxCells = 4_000_000;   // lines(old) × lines(new) above this: counts only

    public static IReadOnlyList<string> Changed(string oldText, string newText)
    {
        var a = oldText.Split('\n');
        var b = newText.Split('\n');
        var result = new List<string>();
        if ((long)a.Length * b.Length > MaxCells)
        {
            result.Add($"({a.Length} lines -> {b.Length} lines; too large to compare line by line)");
            return result;
        }
        // Common prefix and suffix first: most config changes touch a few lines in the middle.
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start]) start++;
        var endA = a.Length;
        var endB = b.Length;
        while (endA > start && endB > start && a[endA - 1] == b[endB - 1]) { endA--; endB--; }
        var n = endA - start;
        var m = endB - start;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                lcs[i, j] = a[start + i] == b[start + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        int x = 0, y = 0, hidden = 0;
        void Add(string line)
        {
            if (result.Count < MaxLines) result.Add(line.Length > MaxLineLength ? line[..MaxLineLength] + "…" : line);
            else hidden++;
        }
        while (x < n || y < m)
        {
            if (x < n && y < m && a[start + x] == b[start + y]) { x++; y++; }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1])) Add("- " + a[start + x++]);
            else Add("+ " + b[start + y++]);
        }
        if (hidden > 0) result.Add($"({hidden} more changed lines)");
        return result;
    }
}
