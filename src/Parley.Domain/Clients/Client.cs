using Parley.Domain.Common;

namespace Parley.Domain.Clients;

/// <summary>A person who writes to the company, across any number of channels.</summary>
public sealed class Client : CompanyEntity
{
    public string? Name { get; set; }

    public string? Username { get; set; }

    public string? Email { get; set; }

    /// <summary>E.164, e.g. +380501234567.</summary>
    public string? Phone { get; set; }

    public string? PhotoUrl { get; set; }

    public string? Language { get; set; }

    /// <summary>The manager who accepted the client's latest conversation.</summary>
    public Guid? ManagerId { get; set; }

    public bool IsBlocked { get; set; }

    public DateTime? BlockedAt { get; set; }

    /// <summary>Identity verified by the channel (e.g. the widget's HMAC userHash).</summary>
    public bool IsVerified { get; set; }

    /// <summary>Values of the company's custom fields, by field key.</summary>
    public Dictionary<string, string> CustomFields { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public List<ClientIdentity> Identities { get; set; } = [];

    public List<ClientNote> Notes { get; set; } = [];

    public List<ClientTag> Tags { get; set; } = [];
}

/// <summary>The client as one channel knows them; (ChannelId, ExternalId) is unique.</summary>
public sealed class ClientIdentity : Entity
{
    public Guid ClientId { get; set; }

    public Guid ChannelId { get; set; }

    public required string ExternalId { get; set; }

    public string? Username { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class ClientNote : Entity
{
    public Guid ClientId { get; set; }

    public Guid AuthorId { get; set; }

    public required string Text { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class ClientTag
{
    public Guid ClientId { get; set; }

    public Guid TagId { get; set; }
}
