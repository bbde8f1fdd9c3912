using Parley.Domain.Common;
using Parley.Domain.Messages;

namespace Parley.Domain.Channels;

/// <summary>How a Meta message may go out: inside the standard window, or tagged as a human agent's reply.</summary>
public enum ReplyTag
{
    None,
    HumanAgent,
}

/// <summary>
/// Meta's messaging window: a business may answer only within 24 hours of the client's last message; with the
/// HUMAN_AGENT tag (when the channel enables it) a person, not a bot or a system message, may answer for 7 days.
/// WhatsApp has no such tag: outside 24 hours only approved templates may be sent.
/// </summary>
public static class ReplyWindow
{
    public static readonly TimeSpan Standard = TimeSpan.FromHours(24);
    public static readonly TimeSpan HumanAgent = TimeSpan.FromDays(7);

    public static bool Applies(ChannelType type) => type is ChannelType.Instagram or ChannelType.Messenger or ChannelType.WhatsApp;

    public static (Decision Decision, ReplyTag Tag) Check(ChannelType type, DateTime? lastClientMessageAt, DateTime now, AuthorKind author, bool humanAgentEnabled)
    {
        if (!Applies(type)) return (Decision.Allow, ReplyTag.None);
        if (lastClientMessageAt is not { } last)
        {
            return (Decision.Forbidden(RefusalCodes.ClientHasNotWritten,
                $"{Name(type)} lets a business write only after the client has written; this client has not written yet.",
                ("channel", Name(type))), ReplyTag.None);
        }

        var since = now - last;
        if (since <= Standard) return (Decision.Allow, ReplyTag.None);
        var canTag = type is ChannelType.Instagram or ChannelType.Messenger && humanAgentEnabled && author == AuthorKind.Manager;
        if (canTag && since <= HumanAgent) return (Decision.Allow, ReplyTag.HumanAgent);
        return (Closed(type, since, canTag, author), ReplyTag.None);
    }

    private static Decision Closed(ChannelType type, TimeSpan since, bool canTag, AuthorKind author)
    {
        const string Again = " The client has to write again first.";
        (string, object) channel = ("channel", Name(type));
        (string, object) hours = ("hours", (int)since.TotalHours);
        var standard = $"Not sent: {Name(type)} allows replies only within 24 hours of the client's last message ({Ago(since)} ago).";
        if (canTag)
        {
            return Decision.Forbidden(RefusalCodes.HumanAgentWindowPassed,
                $"Not sent: {Name(type)} allows a manager's reply only within 7 days of the client's last message ({Ago(since)} ago)." + Again, channel, hours);
        }

        if (type is ChannelType.Instagram or ChannelType.Messenger && author == AuthorKind.Manager)
        {
            return Decision.Forbidden(RefusalCodes.ReplyWindowPassedHumanAgentOff,
                standard + " Turn on \"human agent\" replies for this channel to answer for up to 7 days." + Again, channel, hours);
        }

        if (type == ChannelType.WhatsApp)
            return Decision.Forbidden(RefusalCodes.ReplyWindowPassedWhatsApp, standard + " Outside it WhatsApp accepts only approved templates." + Again, channel, hours);
        return Decision.Forbidden(RefusalCodes.ReplyWindowPassed, standard + Again, channel, hours);
    }

    public static string Name(ChannelType type) => type switch
    {
        ChannelType.Messenger => "Facebook Messenger",
        ChannelType.WhatsApp => "WhatsApp",
        _ => type.ToString(),
    };

    private static string Ago(TimeSpan span) => span.TotalDays >= 2 ? $"{(int)span.TotalDays} days" : $"{(int)span.TotalHours} hours";
}
