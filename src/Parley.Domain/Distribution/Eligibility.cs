using Parley.Domain.Settings;
using Parley.Domain.Team;

namespace Parley.Domain.Distribution;

/// <summary>Why a member does or does not take a new chat right now; the supervisor view shows it.</summary>
public enum Eligibility
{
    Eligible,
    Inactive,
    OffShift,
    Invisible,
    Disconnected,
    AtLimit,
    ChannelNotAllowed,
}

/// <summary>A team member with the number of chats they hold now (Active plus assigned New).</summary>
public sealed record Candidate(TeamMember Member, int OpenChats);

/// <summary>Who may take new chats (PRODUCT.md, Distribution and shifts), as pure functions of the member and the time.</summary>
public static class EligibilityRules
{
    /// <summary>
    /// On shift, Online, connected (or disconnected for less than the grace period), below the limit, and the channel allowed
    /// (empty = all). <paramref name="channelId"/> null checks everything but the channel.
    /// </summary>
    public static Eligibility Check(TeamMember member, int openChats, Guid? channelId, DistributionSettings settings, DateTime now)
    {
        if (!member.IsActive) return Eligibility.Inactive;
        if (!member.OnShift) return Eligibility.OffShift;
        if (IsDisconnectedPastGrace(member, settings, now)) return Eligibility.Disconnected;
        if (member.Presence != Presence.Online) return Eligibility.Invisible;
        if (member.ChatLimit is { } limit && openChats >= limit) return Eligibility.AtLimit;
        if (channelId is { } channel && member.AllowedChannelIds.Count > 0 && !member.AllowedChannelIds.Contains(channel))
            return Eligibility.ChannelNotAllowed;
        return Eligibility.Eligible;
    }

    public static bool IsDisconnectedPastGrace(TeamMember member, DistributionSettings settings, DateTime now) =>
        member.DisconnectedAt is { } since && now - since >= TimeSpan.FromSeconds(settings.DisconnectGraceSeconds);

    /// <summary>
    /// May the member keep chats assigned to them and not yet accepted? Invisible and at-limit members keep theirs (reaching
    /// the limit is what makes them Invisible); off shift, deactivated or gone past the grace period, the chats pass on.
    /// </summary>
    public static bool MayHoldAssignments(TeamMember member, DistributionSettings settings, DateTime now) =>
        member.IsActive && member.OnShift && !IsDisconnectedPastGrace(member, settings, now);
}
