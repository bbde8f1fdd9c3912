using System.Text.RegularExpressions;
using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Team;

namespace Parley.Domain.Tests;

/// <summary>Small builders shared by the tests; every object belongs to <see cref="CompanyId"/> unless told otherwise.</summary>
internal static partial class TestData
{
    public static readonly Guid CompanyId = Guid.Parse("0191a000-0000-7000-8000-000000000001");

    public static readonly Guid OtherCompanyId = Guid.Parse("0191a000-0000-7000-8000-000000000002");

    /// <summary>Thursday 26 November 2026, 10:00 UTC (12:00 in Kyiv).</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static TeamMember Member(Role role, string name = "Olena", Guid? companyId = null) => new()
    {
        CompanyId = companyId ?? CompanyId,
        Email = $"{name.ToLowerInvariant()}@example.com",
        Name = name,
        Role = role,
    };

    public static Conversation Conversation(Folder folder, Guid? assigneeId = null, Guid? companyId = null) => new()
    {
        CompanyId = companyId ?? CompanyId,
        ClientId = Guid.NewGuid(),
        ChannelId = Guid.NewGuid(),
        Folder = folder,
        AssigneeId = assigneeId,
        ArchiveReason = folder == Folder.Archived ? ArchiveReason.ClosedByManager : null,
    };

    public static Message ManagerMessage(TeamMember author) => new()
    {
        CompanyId = author.CompanyId,
        AuthorKind = AuthorKind.Manager,
        AuthorMemberId = author.Id,
        Text = "Hello!",
    };

    public static void AssertAllowed(Decision decision)
    {
        Assert.True(decision.Allowed, decision.Reason);
        Assert.Equal(DenialKind.None, decision.Kind);
        Assert.Null(decision.Reason);
        Assert.Null(decision.Code);
    }

    /// <summary>Refused with the expected kind, a known code, and a reason a person can read (at least two words).</summary>
    public static void AssertDenied(Decision decision, DenialKind kind)
    {
        Assert.False(decision.Allowed);
        Assert.Equal(kind, decision.Kind);
        Assert.Contains(decision.Code, RefusalCodes.All);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        Assert.True(Words().Count(decision.Reason!) >= 2, $"Reason is not readable words: '{decision.Reason}'");
    }

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Words();
}
