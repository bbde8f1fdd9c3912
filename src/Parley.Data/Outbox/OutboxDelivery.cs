namespace Parley.Data.Outbox;

public enum OutboxKind
{
    Send,
    Edit,
    Delete,
}

public enum OutboxStatus
{
    Pending,
    Done,
    Failed,
}

/// <summary>
/// One outbound delivery to a channel, committed with the message it carries so that nothing acknowledged is lost.
/// The dispatcher works them oldest first per conversation, with retries and backoff.
/// </summary>
public sealed class OutboxDelivery
{
    public long Id { get; set; }

    public Guid CompanyId { get; set; }

    public Guid ChannelId { get; set; }

    public Guid ConversationId { get; set; }

    public Guid MessageId { get; set; }

    public OutboxKind Kind { get; set; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>Which dispatcher is sending it now; with <see cref="ClaimedUntil"/>, keeps a second dispatcher from sending it too.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>The claim's lease: after it, a dispatcher that died mid-send no longer holds the delivery.</summary>
    public DateTime? ClaimedUntil { get; set; }
}
