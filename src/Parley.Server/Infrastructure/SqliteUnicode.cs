using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Parley.Server.Infrastructure;

/// <summary>
/// SQLite's own LIKE folds case for ASCII only, so "олена" would not find "Олена". Replacing like() makes
/// search case-insensitive in every language our clients write in.
/// </summary>
internal static class SqliteUnicode
{
    public static void Register(SqliteConnection connection)
    {
        connection.CreateFunction("like", (string? pattern, string? value) => Like(pattern, value, null), isDeterministic: true);
        connection.CreateFunction("like", (string? pattern, string? value, string? escape) => Like(pattern, value, escape), isDeterministic: true);
    }

    public static bool Like(string? pattern, string? value, string? escape)
    {
        if (pattern is null || value is null) return false;
        char? esc = string.IsNullOrEmpty(escape) ? null : escape[0];
        return Match(pattern.AsSpan(), value.AsSpan(), esc);
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value, char? escape)
    {
        while (!pattern.IsEmpty)
        {
            var p = pattern[0];
            if (escape is { } e && p == e && pattern.Length > 1)
            {
                if (value.IsEmpty || !SameLetter(pattern[1], value[0])) return false;
                pattern = pattern[2..];
                value = value[1..];
                continue;
            }

            if (p == '%')
            {
                pattern = pattern[1..];
                if (pattern.IsEmpty) return true;
                for (var i = 0; i <= value.Length; i++)
                {
                    if (Match(pattern, value[i..], escape)) return true;
                }

                return false;
            }

            if (value.IsEmpty) return false;
            if (p != '_' && !SameLetter(p, value[0])) return false;
            pattern = pattern[1..];
            value = value[1..];
        }

        return value.IsEmpty;
    }

    private static bool SameLetter(char a, char b) =>
        a == b || char.ToLower(a, CultureInfo.InvariantCulture) == char.ToLower(b, CultureInfo.InvariantCulture);
}
