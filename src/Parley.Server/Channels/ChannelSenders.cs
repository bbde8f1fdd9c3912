using Parley.Domain.Channels;
using Parley.Domain.Messages;

namespace Parley.Server.Channels;

/// <summary>What an outbound delivery carries to a channel adapter.</summary>
public sealed record OutboundDelivery(Channel Channel, Guid ConversationId, Guid ClientId, string? ExternalClientId, Message Message, Data.Outbox.OutboxKind Kind);

/// <summary>The result of one delivery attempt.</summary>
public sealed record SendResult(bool Ok, string? ChannelMessageId = null, string? Error = null, bool Retry = false, TimeSpan? RetryAfter = null)
{
    public static SendResult Sent(string? channelMessageId = null) => new(true, channelMessageId);

    public static SendResult Failed(string error) => new(false, Error: error);

    public static SendResult Transient(string error, TimeSpan? retryAfter = null) => new(false, Error: error, Retry: true, RetryAfter: retryAfter);
}

/// <summary>A channel's outbound side: send, edit and delete messages through the channel's own API.</summary>
public interface IChannelSender
{
    ChannelType Type { get; }

    Task<SendResult> DeliverAsync(OutboundDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>The registered senders, by channel type. Channels without one (the widget) are served live through their hub.</summary>
public sealed class ChannelSenders(IEnumerable<IChannelSender> senders)
{
    private readonly Dictionary<ChannelType, IChannelSender> _byType = senders.ToDictionary(s => s.Type);

    public bool HasSender(ChannelType type) => _byType.ContainsKey(type);

    public IChannelSender? Find(ChannelType type) => _byType.GetValueOrDefault(type);
}
