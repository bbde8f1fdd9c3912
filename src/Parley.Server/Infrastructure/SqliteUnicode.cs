using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Parley.Server.Infrastructure;

/// <summary>
/// SQLite's own LIKE folds case for ASCII only, so "олена" would not find "Олена". Replacing like() makes
/// search case-insensitive in every language our clients write in.
/// </summary>
internal static class SqliteUnicode
{
    /// <summary>
    /// Registers like() on the native connection, once for its life. <see cref="SqliteConnection.CreateFunction{T1,T2,TResult}"/>
    /// would register it anew on every open of a pooled connection, and each registration kept a native hook alive:
    /// memory grew with every query.
    /// </summary>
    public static void Register(sqlite3 handle)
    {
        const int flags = raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC;
        raw.sqlite3_create_function(handle, "like", 2, flags, null, LikeFunction);
        raw.sqlite3_create_function(handle, "like", 3, flags, null, LikeFunction);
    }

    private static void LikeFunction(sqlite3_context context, object userData, sqlite3_value[] args)
    {
        var escape = args.Length > 2 ? Text(args[2]) : null;
        raw.sqlite3_result_int(context, Like(Text(args[0]), Text(args[1]), escape) ? 1 : 0);
    }

    private static string? Text(sqlite3_value value) =>
        raw.sqlite3_value_type(value) == raw.SQLITE_NULL ? null : raw.sqlite3_value_text(value).utf8_to_string();

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
