using Parley.Domain.Common;

namespace Parley.Domain.SystemMessages;

public enum SystemMessageKind
{
    Greeting,
    ManagerJoined,
    ManagerChanged,
    MoreQuestions,
    RateUs,
    Closed,
    ClosedInactivity,
    OutOfHours,
}

/// <summary>A company's own text for one kind and language; an empty text turns that message off.</summary>
public sealed class SystemMessageTemplate : CompanyEntity
{
    public SystemMessageKind Kind { get; set; }

    public required string Language { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>Button payloads that come back from the client through any channel.</summary>
public static class ButtonPayloads
{
    public const string MoreQuestionsYes = "more_questions:yes";
    public const string MoreQuestionsNo = "more_questions:no";
    public const string RatingPrefix = "rating:";

    public static string Rating(int stars) => RatingPrefix + stars;

    public static int? ParseRating(string payload) =>
        payload.StartsWith(RatingPrefix, StringComparison.Ordinal)
        && int.TryParse(payload.AsSpan(RatingPrefix.Length), out var stars)
        && stars is >= 1 and <= 5
            ? stars
            : null;
}
