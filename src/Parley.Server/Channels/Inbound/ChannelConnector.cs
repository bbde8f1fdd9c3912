using Parley.Domain.Channels;
using Parley.Server.Infrastructure;

namespace Parley.Server.Channels.Inbound;

/// <summary>What a manager types to connect a messenger channel; each connector reads its own fields.</summary>
public sealed record ConnectRequest(
    string? BotToken = null,
    string? Receive = null,
    string? AccessToken = null,
    string? AppSecret = null,
    string? AccountId = null,
    string? PhoneNumberId = null,
    bool? HumanAgent = null);

/// <summary>What the console shows about a connected channel: where the provider must send updates, and how.</summary>
public sealed record ChannelConnection(
    string? ProviderWebhookUrl,
    string? VerifyToken,
    string? Account,
    string? ReceiveMode,
    bool? HumanAgent,
    IReadOnlyList<string> Steps);

/// <summary>A messenger's connection side: checks the credentials with the provider and keeps them in Channel.SettingsJson.</summary>
public interface IChannelConnector
{
    bool Handles(ChannelType type);

    /// <summary>
    /// Checks the credentials with the provider and writes the channel's settings (before the channel is saved; its id,
    /// public token and secret are already set). Field errors go into <paramref name="errors"/>, and nothing is saved then.
    /// </summary>
    Task ConnectAsync(Channel channel, ConnectRequest request, Validation errors, CancellationToken ct);

    ChannelConnection Describe(Channel channel);
}

public sealed class ChannelConnectors(IEnumerable<IChannelConnector> connectors)
{
    /// <summary>Whether a messenger channel has its credentials (a channel row made without a connector has none).</summary>
    public static bool IsConnected(Channel channel) => channel.SettingsJson is { Length: > 2 } json && json != "{}";

    public IChannelConnector? Find(ChannelType type) => connectors.FirstOrDefault(c => c.Handles(type));
}

/// <summary>Where the provider reaches this installation; the webhook URLs are built on it.</summary>
public sealed class PublicUrls(IConfiguration configuration)
{
    public string? BaseUrl => configuration["Parley:PublicBaseUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : null;

    public string? For(string path) => BaseUrl is { } b ? b + path : null;
}
