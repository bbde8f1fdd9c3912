using Parley.Domain.Channels;
using Parley.Domain.Conversations;
using Parley.Server.Conversations;

namespace Parley.Server.Console;

/// <summary>The chat list's filter form, as the controls hold it; <see cref="ToFilter"/> turns it into the finder's filter.</summary>
public sealed class ChatFilter
{
    public const string Ai = "ai";

    public string[] Platforms { get; set; } = [];

    public string[] Topics { get; set; } = [];

    public string Period { get; set; } = "all";

    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    public string[] Managers { get; set; } = [];

    public string Chats { get; set; } = "all";

    public string[] Tags { get; set; } = [];

    public string Language { get; set; } = "";

    public string Rating { get; set; } = "";

    public string Search { get; set; } = "";

    public bool IsEmpty =>
        Platforms.Length == 0 && Topics.Length == 0 && Period == "all" && Managers.Length == 0 && Chats == "all" && Tags.Length == 0
        && Language.Length == 0 && Rating.Length == 0 && string.IsNullOrWhiteSpace(Search);

    public void Clear()
    {
        Platforms = Topics = Managers = Tags = [];
        Period = Chats = "all";
        From = To = null;
        Language = Rating = Search = "";
    }

    /// <summary>Custom dates are whole days in the company's time zone; "to" includes its day.</summary>
    public ConversationFilter ToFilter(Folder folder, TimeZoneInfo zone) => new()
    {
        Folder = folder,
        Platforms = [.. Platforms.Where(p => p != Ai).Select(p => Enum.Parse<ChannelType>(p))],
        AiHandled = Platforms.Contains(Ai) ? true : null,
        TopicIds = [.. Topics.Select(Guid.Parse)],
        Period = Period,
        From = Period == "custom" && From is { } from ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(from.Date, DateTimeKind.Unspecified), zone) : null,
        To = Period == "custom" && To is { } to ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Unspecified), zone) : null,
        ManagerIds = [.. Managers.Select(Guid.Parse)],
        Chats = Chats,
        TagIds = [.. Tags.Select(Guid.Parse)],
        Language = Language.Length == 0 ? null : Language,
        Rating = int.TryParse(Rating, out var r) ? r : null,
        Search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
    };
}
