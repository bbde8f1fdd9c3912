using Parley.Domain.Messages;

namespace Parley.Domain.SystemMessages;

/// <summary>The text and buttons of one system message, ready to store and send.</summary>
public sealed record ComposedSystemMessage(SystemMessageKind Kind, string Language, string Text, IReadOnlyList<MessageButton> Buttons);

public sealed record TemplateValues(string? ClientName, string? ManagerName, string CompanyName);

/// <summary>
/// Picks the language and text of a system message: the client's language when a template exists for it
/// (the company's own or a built-in one), else the company's main language.
/// </summary>
public sealed class SystemMessageComposer(IReadOnlyCollection<SystemMessageTemplate> companyTemplates, string mainLanguage)
{
    public ComposedSystemMessage? Compose(SystemMessageKind kind, string? clientLanguage, TemplateValues values)
    {
        var language = clientLanguage is not null && TemplateFor(kind, clientLanguage) is not null ? clientLanguage : mainLanguage;
        var template = TemplateFor(kind, language) ?? BuiltInTemplates.Find(kind, "en");
        if (string.IsNullOrWhiteSpace(template)) return null;

        var text = Placeholders.Fill(template, values, language);
        return new ComposedSystemMessage(kind, language, text, ButtonsFor(kind, language));
    }

    /// <summary>The company's text when it has one (even empty: that disables the message), else the built-in.</summary>
    public string? TemplateFor(SystemMessageKind kind, string language)
    {
        foreach (var t in companyTemplates)
        {
            if (t.Kind == kind && t.Language == language) return t.Text;
        }

        return BuiltInTemplates.Find(kind, language);
    }

    public static IReadOnlyList<MessageButton> ButtonsFor(SystemMessageKind kind, string language)
    {
        switch (kind)
        {
            case SystemMessageKind.MoreQuestions:
                var (yes, no) = BuiltInTemplates.YesNoLabels(language);
                return [new(yes, ButtonPayloads.MoreQuestionsYes), new(no, ButtonPayloads.MoreQuestionsNo)];
            case SystemMessageKind.RateUs:
                return [.. Enumerable.Range(1, 5).Select(i => new MessageButton(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ButtonPayloads.Rating(i)))];
            default:
                return [];
        }
    }
}

/// <summary>Fills {client.name}, {manager.name} and {company.name} in one pass, so a client named "{manager.name}" stays literally that.</summary>
public static partial class Placeholders
{
    public static string Fill(string template, TemplateValues values, string language) =>
        Placeholder().Replace(template, m => m.Groups[1].Value switch
        {
            "client" => Fallback(values.ClientName, language),
            "manager" => values.ManagerName ?? "",
            _ => values.CompanyName,
        });

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(client|manager|company)\.name\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    private static string Fallback(string? clientName, string language) =>
        !string.IsNullOrWhiteSpace(clientName) ? clientName : language switch
        {
            "uk" => "друже",
            "ru" => "друг",
            "pl" => "Drogi Kliencie",
            _ => "there",
        };
}
