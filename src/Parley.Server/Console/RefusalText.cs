using Parley.Domain.Common;

namespace Parley.Server.Console;

/// <summary>A rule's refusal in the console's language: the text of its code ("refusal." + code) with its values filled in.</summary>
public static class RefusalText
{
    public const string KeyPrefix = "refusal.";

    /// <summary>An unknown code (a rule newer than the texts) falls back to the rule's English sentence.</summary>
    public static string Reason(this ConsoleText texts, Decision decision)
    {
        if (decision.Allowed) return "";
        if (decision.Code is not { } code) return decision.Reason ?? "";
        var key = KeyPrefix + code;
        var text = texts[key];
        if (text == key) return decision.Reason ?? "";
        foreach (var (name, value) in decision.Args) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }
}
