using Parley.Server.Realtime;

namespace Parley.Server.Distribution;

/// <summary>
/// Something the supervisor view shows changed: a shift, a presence, an assignment, the queue. <paramref name="MemberId"/>
/// names the member whose own shift or presence changed (so their console can show it), null for company-wide changes.
/// </summary>
public sealed record DistributionChanged(Guid CompanyId, Guid? MemberId = null) : ParleyEvent(CompanyId);

/// <summary>The <c>change</c> of a <c>conversationChanged</c> event that distribution publishes.</summary>
public static class DistributionChanges
{
    /// <summary>Assigned to a manager (from the queue, or passed on from another one).</summary>
    public const string Assigned = "assigned";

    /// <summary>Back in the queue: its assignee became unavailable and nobody else could take it.</summary>
    public const string Unassigned = "unassigned";
}
