using Parley.Domain.Common;

namespace Parley.Domain.Messages;

public enum AuthorKind
{
    Client,
    Manager,
    System,
    Ai,
}

public enum DeliveryStatus
{
    /// <summary>Nothing to deliver: client messages and private notes.</summary>
    None,
    Queued,
    Sent,
    Delivered,
    Read,
    Failed,
}

public sealed class Message : CompanyEntity
{
    public Guid ConversationId { get; set; }

    public AuthorKind AuthorKind { get; set; }

    /// <summary>The team member who wrote it (manager messages and notes).</summary>
    public Guid? AuthorMemberId { get; set; }

    /// <summary>A note between team members; never sent to the client.</summary>
    public bool IsPrivateNote { get; set; }

    public string Text { get; set; } = "";

    /// <summary>Which template produced a system message.</summary>
    public SystemMessages.SystemMessageKind? SystemKind { get; set; }

    /// <summary>Choices offered to the client (Yes / No, rating 1–5); each channel renders them its own way.</summary>
    public List<MessageButton> Buttons { get; set; } = [];

    public List<Attachment> Attachments { get; set; } = [];

    /// <summary>The sender's own id for this message; a repeat with the same id is the same message.</summary>
    public string? ClientMessageId { get; set; }

    /// <summary>The id the channel gave the message (Telegram message_id, Meta mid ...).</summary>
    public string? ChannelMessageId { get; set; }

    public DeliveryStatus DeliveryStatus { get; set; }

    public string? DeliveryError { get; set; }

    /// <summary>A blocked client's message: kept, but shown to nobody in the inbox.</summary>
    public bool IsHiddenBlocked { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? EditedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    public Guid? DeletedById { get; set; }

    public List<MessageEdit> Edits { get; set; } = [];

    public bool IsFromTeam => AuthorKind is AuthorKind.Manager or AuthorKind.System or AuthorKind.Ai;

    /// <summary>Is this message going out to the client through the channel?</summary>
    public bool GoesToClient => AuthorKind != AuthorKind.Client && !IsPrivateNote;
}

/// <summary>A previous text of an edited message, kept for owner and supervisors.</summary>
public sealed class MessageEdit : Entity
{
    public Guid MessageId { get; set; }

    public required string PreviousText { get; set; }

    public Guid EditedById { get; set; }

    public DateTime EditedAt { get; set; }
}

public sealed record MessageButton(string Label, string Payload);

public sealed record Attachment(string FileName, string ContentType, long Size, string Url);
