namespace Parley.Domain.Common;

public static class Languages
{
    /// <summary>Languages with built-in console texts and system-message templates.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = ["uk", "en", "ru", "pl"];

    /// <summary>Reduces "uk-UA", "EN_us" or " en " to the two-letter code; null or garbage gives null.</summary>
    public static string? Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language)) return null;
        var code = language.Trim().Split('-', '_')[0].ToLowerInvariant();
        return code.Length is >= 2 and <= 3 && code.All(char.IsAsciiLetterLower) ? code : null;
    }
}
