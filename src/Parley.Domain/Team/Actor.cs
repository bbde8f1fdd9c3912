namespace Parley.Domain.Team;

/// <summary>Who performs an action: a team member, the client, the system itself, or the AI agent.</summary>
public sealed record Actor(ActorKind Kind, Guid? MemberId = null, string? Name = null)
{
    public static Actor System { get; } = new(ActorKind.System);

    public static Actor Ai { get; } = new(ActorKind.Ai, Name: "AI");

    public static Actor Client(string? name) => new(ActorKind.Client, Name: name);

    public static Actor Member(TeamMember member) => new(ActorKind.Member, member.Id, member.Name);
}

public enum ActorKind
{
    System,
    Member,
    Client,
    Ai,
}
