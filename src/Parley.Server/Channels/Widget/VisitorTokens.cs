using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Parley.Domain.Channels;

namespace Parley.Server.Channels.Widget;

/// <summary>Who a visitor is on one widget channel: the external id of their client identity.</summary>
public sealed record Visitor(Guid ChannelId, string ExternalId)
{
    public const string VerifiedPrefix = "user:";

    /// <summary>Only the server writes "user:" ids, and only after checking the userHash.</summary>
    public bool IsVerified => ExternalId.StartsWith(VerifiedPrefix, StringComparison.Ordinal);

    public string Group => $"visitor:{ChannelId}:{ExternalId}";

    public static Visitor NewAnonymous(Guid channelId) => new(channelId, "v-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
}

/// <summary>
/// Signed visitor tokens (Data Protection, so they cannot be forged or moved to another channel). The browser keeps the
/// token; the server keeps nothing until the visitor writes.
/// </summary>
public sealed class VisitorTokens(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Parley.Widget.VisitorToken.v1");

    private sealed record Payload(Guid C, string E);

    public string Issue(Visitor visitor) =>
        _protector.Protect(JsonSerializer.Serialize(new Payload(visitor.ChannelId, visitor.ExternalId)));

    /// <summary>The visitor the token was issued to on this channel; null for a forged, damaged or foreign token.</summary>
    public Visitor? Read(string? token, Guid channelId)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000) return null;
        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(_protector.Unprotect(token));
            return payload is not null && payload.C == channelId && !string.IsNullOrEmpty(payload.E) ? new Visitor(payload.C, payload.E) : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>userHash = hex HMAC-SHA256 of the userId, keyed with the channel secret (compared in constant time).</summary>
    public static bool IsValidUserHash(Channel channel, string userId, string? userHash)
    {
        if (string.IsNullOrEmpty(userHash)) return false;
        var expected = Encoding.ASCII.GetBytes(UserHash(channel.Secret, userId));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(userHash.Trim().ToLowerInvariant()));
    }

    public static string UserHash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));
}
