using Parley.Domain.Common;

namespace Parley.Domain.Team;

public enum Role
{
    Owner,
    Supervisor,
    Manager,
}

public enum Presence
{
    Online,
    Invisible,
}

/// <summary>A person who signs in to the console. Sign-in secrets live in the data layer's account table.</summary>
public sealed class TeamMember : CompanyEntity
{
    public required string Email { get; set; }

    public required string Name { get; set; }

    public Role Role { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>Console language; null = the company's main language.</summary>
    public string? ConsoleLanguage { get; set; }

    public bool IsActive { get; set; } = true;

    // Distribution state (PRODUCT.md, Distribution and shifts).
    public Presence Presence { get; set; } = Presence.Online;

    public bool OnShift { get; set; }

    public DateTime? ShiftStartedAt { get; set; }

    /// <summary>Simultaneous chats (Active plus assigned New); null = no limit.</summary>
    public int? ChatLimit { get; set; }

    /// <summary>Channels this member takes chats from; empty = all.</summary>
    public List<Guid> AllowedChannelIds { get; set; } = [];

    public DateTime? LastAssignedAt { get; set; }

    /// <summary>When the member's last console connection dropped; null while connected or never connected.</summary>
    public DateTime? DisconnectedAt { get; set; }

    /// <summary>Optional weekly shift schedule in the company's time zone.</summary>
    public List<Settings.BusinessInterval> ShiftSchedule { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public bool SeesEverything => Role is Role.Owner or Role.Supervisor;
}
