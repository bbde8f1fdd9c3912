namespace Parley.Data.Inbound;

public enum InboundStatus
{
    Pending,
    Done,
    Failed,
}

/// <summary>
/// One update a messenger delivered to us, stored verbatim before we answer 200, then ingested by a background worker.
/// (ChannelId, DedupeKey) is unique, so a redelivered update is recognised and never ingested twice.
/// </summary>
public sealed class InboundReceipt
{
    public long Id { get; set; }

    public Guid CompanyId { get; set; }

    public Guid ChannelId { get; set; }

    /// <summary>The provider's own id of the update: Telegram update_id, Meta mid, WhatsApp message or status id.</summary>
    public required string DedupeKey { get; set; }

    /// <summary>The update as the provider sent it (after its signature or secret was checked).</summary>
    public required string Payload { get; set; }

    public InboundStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime ReceivedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? ProcessedAt { get; set; }

    public string? LastError { get; set; }
}

/// <summary>What the console shows as a channel's health, plus the long-polling cursor; one row per channel.</summary>
public sealed class ChannelState
{
    public Guid ChannelId { get; set; }

    public DateTime? LastReceivedAt { get; set; }

    public DateTime? LastSentAt { get; set; }

    public DateTime? LastErrorAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Telegram long polling: the next getUpdates offset (every update below it is stored).</summary>
    public long? PollOffset { get; set; }
}
