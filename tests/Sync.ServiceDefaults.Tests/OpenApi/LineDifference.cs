namespace Sync.ServiceDefaults.Tests.OpenApi;

/// <summary>The lines two texts do not share, as "- expected" and "+ actual" with the line number, from a longest common subsequence.</summary>
public static class LineDifference
{
    private const int MostLinesShown = 80;

    public static string Describe(string expected, string actual)
    {
        var before = expected.Split('\n');
        var after = actual.Split('\n');
        var common = new int[before.Length + 1, after.Length + 1];
        for (var i = before.Length - 1; i >= 0; i--)
        {
            for (var j = after.Length - 1; j >= 0; j--)
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        }

        var lines = new List<string>();
        var (b, a) = (0, 0);
        while (b < before.Length || a < after.Length)
        {
            if (b < before.Length && a < after.Length && before[b] == after[a])
                (b, a) = (b + 1, a + 1);
            else if (a < after.Length && (b == before.Length || common[b, a + 1] >= common[b + 1, a]))
                lines.Add($"+ {a + 1,5}: {after[a++]}");
            else
                lines.Add($"- {b + 1,5}: {before[b++]}");
        }
        var shown = lines.Take(MostLinesShown).ToList();
        if (lines.Count > MostLinesShown)
            shown.Add($"... and {lines.Count - MostLinesShown} more changed lines");
        return string.Join(Environment.NewLine, shown);
    }
}
