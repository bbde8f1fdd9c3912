using Parley.Domain.Common;

namespace Parley.Domain.Catalog;

/// <summary>A label on conversations, for analytics.</summary>
public sealed class Topic : CompanyEntity
{
    public required string Name { get; set; }
}

/// <summary>A label on clients, for grouping.</summary>
public sealed class Tag : CompanyEntity
{
    public required string Name { get; set; }

    public string Color { get; set; } = "#607d8b";
}

/// <summary>A saved answer, inserted with /shortcut. OwnerId null = company-wide.</summary>
public sealed class QuickReply : CompanyEntity
{
    public Guid? OwnerId { get; set; }

    public required string Shortcut { get; set; }

    public required string Title { get; set; }

    /// <summary>Text per language code; the one in the client's language is sent.</summary>
    public Dictionary<string, string> Variants { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    /// <summary>The variant for the client's language, else the company's main language, else any.</summary>
    public string PickText(string? clientLanguage, string mainLanguage)
    {
        if (clientLanguage is not null && Variants.TryGetValue(clientLanguage, out var text)) return text;
        if (Variants.TryGetValue(mainLanguage, out text)) return text;
        return Variants.Values.FirstOrDefault() ?? "";
    }
}
