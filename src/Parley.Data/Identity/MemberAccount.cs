using Microsoft.AspNetCore.Identity;

namespace Parley.Data.Identity;

/// <summary>
/// The sign-in side of a team member (ASP.NET Core Identity: password hash, lockout).
/// Its id is the <see cref="Domain.Team.TeamMember"/>'s id.
/// </summary>
public sealed class MemberAccount : IdentityUser<Guid>;

/// <summary>A personal API token; only its SHA-256 hash is stored.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid MemberId { get; set; }

    public required string Name { get; set; }

    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
