using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Infrastructure;

namespace Parley.Server.Team;

/// <summary>The signed-in team member of this request, loaded once. Every use case takes it as the actor.</summary>
public sealed class CurrentMember(ParleyDbContext db)
{
    private TeamMember? _member;

    public async Task<TeamMember> GetAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (_member is not null) return _member;
        var id = MemberId(user) ?? throw new RuleViolationException(Decision.Forbidden(RefusalCodes.SignInRequired, "Sign in first."));
        _member = await ActiveMember.For(db)(db, id, ct)
            ?? throw new RuleViolationException(Decision.Forbidden(RefusalCodes.MemberDeactivated, "This team member is deactivated."));
        return _member;
    }

    /// <summary>Read by every team request and hub call.</summary>
    private static readonly CompiledQuery<Func<ParleyDbContext, Guid, CancellationToken, Task<TeamMember?>>> ActiveMember = new(() => EF.CompileAsyncQuery(
        (ParleyDbContext db, Guid id, CancellationToken ct) => db.TeamMembers.AsNoTracking().FirstOrDefault(m => m.Id == id && m.IsActive)));

    public static Guid? MemberId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AuthSchemes.MemberIdClaim), out var id) ? id : null;

    public static Guid? CompanyId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AuthSchemes.CompanyIdClaim), out var id) ? id : null;
}
