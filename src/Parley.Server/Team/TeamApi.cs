using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Clients;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;

namespace Parley.Server.Team;

public static class TeamApi
{
    public static RouteGroupBuilder MapTeamApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/team").WithTags("Team");
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapPost("/", Invite).WithSummary("Owner: add a team member with a role and a first password.");
        group.MapPatch("/{id:guid}", Update).WithSummary("Owner: role, name, chat limit, allowed channels, active. Anyone: own name and console language.");
        return api;
    }

    public sealed record MemberDto(
        Guid Id, string Email, string Name, Role Role, string? AvatarUrl, string? ConsoleLanguage, bool IsActive, Presence Presence, bool OnShift,
        int? ChatLimit, IReadOnlyList<Guid> AllowedChannelIds);

    public static MemberDto ToDto(TeamMember m) =>
        new(m.Id, m.Email, m.Name, m.Role, m.AvatarUrl, m.ConsoleLanguage, m.IsActive, m.Presence, m.OnShift, m.ChatLimit, m.AllowedChannelIds);

    private static async Task<IResult> List(HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var rows = await db.TeamMembers.AsNoTracking().Where(m => m.CompanyId == member.CompanyId).OrderBy(m => m.Name).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToDto));
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var row = await db.TeamMembers.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.CompanyId == member.CompanyId, ct)
            ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.TeamMemberNotFound, "Team member not found."));
        return TypedResults.Ok(ToDto(row));
    }

    public sealed record InviteRequest(string? Email, string? Name, Role? Role, string? Password, int? ChatLimit, List<Guid>? AllowedChannelIds);

    private static async Task<IResult> Invite(InviteRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, SignIn signIn, TimeProvider time, CancellationToken ct)
    {
        var created = await InviteAsync(db, signIn, time, await me.GetAsync(http.User, ct), body, ct);
        return TypedResults.Created($"/api/v1/team/{created.Id}", created);
    }

    /// <summary>The use case behind POST /team, shared with the console.</summary>
    public static async Task<MemberDto> InviteAsync(ParleyDbContext db, SignIn signIn, TimeProvider time, TeamMember member, InviteRequest body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageCompany(member));
        var v = new Validation().Required("email", body.Email, 254).Required("name", body.Name, 200).Required("password", body.Password, 200)
            .Check(body.Role is not null, "role", "'role' is required: owner, supervisor or manager.")
            .Check(body.Email is null || ContactValidation.IsEmail(body.Email.Trim()), "email", "'email' is not a valid email address.")
            .Check(body.Password is null || body.Password.Length >= 8, "password", "'password' must have at least 8 characters.")
            .Check(body.ChatLimit is null or (>= 1 and <= 1000), "chatLimit", "'chatLimit' must be from 1 to 1000.");
        if (v.IsValid && await signIn.EmailTakenAsync(body.Email!.Trim())) v.Add("email", "A team member with this email already exists.");
        if (v.IsValid && body.AllowedChannelIds is { Count: > 0 } channels
            && await db.Channels.CountAsync(c => c.CompanyId == member.CompanyId && channels.Contains(c.Id), ct) != channels.Distinct().Count())
            v.Add("allowedChannelIds", "One or more channels do not exist in this company.");
        v.ThrowIfInvalid();

        var created = new TeamMember
        {
            CompanyId = member.CompanyId,
            Email = body.Email!.Trim(),
            Name = body.Name!.Trim(),
            Role = body.Role!.Value,
            ChatLimit = body.ChatLimit,
            AllowedChannelIds = body.AllowedChannelIds ?? [],
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var tx = await db.BeginWriteTransactionAsync(ct);
        db.TeamMembers.Add(created);
        await db.SaveChangesAsync(ct);
        var result = await signIn.CreateAccountAsync(created, body.Password!);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors) v.Add(e.Code is "DuplicateEmail" or "DuplicateUserName" or "InvalidEmail" ? "email" : "password", e.Description);
            v.ThrowIfInvalid();
        }

        await tx.CommitAsync(ct);
        return ToDto(created);
    }

    public sealed record UpdateRequest(string? Name, Role? Role, string? ConsoleLanguage, int? ChatLimit, bool? ClearChatLimit, List<Guid>? AllowedChannelIds, bool? IsActive);

    private static async Task<IResult> Update(Guid id, UpdateRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(db, await me.GetAsync(http.User, ct), id, body, ct));

    /// <summary>The use case behind PATCH /team/{id}, shared with the console.</summary>
    public static async Task<MemberDto> UpdateAsync(ParleyDbContext db, TeamMember member, Guid id, UpdateRequest body, CancellationToken ct)
    {
        var target = await db.TeamMembers.FirstOrDefaultAsync(m => m.Id == id && m.CompanyId == member.CompanyId, ct)
            ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.TeamMemberNotFound, "Team member not found."));
        var self = target.Id == member.Id;
        var ownerFields = body.Role is not null || body.ChatLimit is not null || body.ClearChatLimit is not null || body.AllowedChannelIds is not null || body.IsActive is not null;
        if (ownerFields || !self) ConversationService.Ensure(Permissions.CanManageCompany(member));

        var v = new Validation().MaxLength("name", body.Name, 200)
            .Check(body.Name is null || body.Name.Trim().Length > 0, "name", "'name' cannot be empty.")
            .Check(body.ConsoleLanguage is null || Languages.BuiltIn.Contains(body.ConsoleLanguage), "consoleLanguage", "'consoleLanguage' must be uk, en, ru or pl.")
            .Check(body.ChatLimit is null or (>= 1 and <= 1000), "chatLimit", "'chatLimit' must be from 1 to 1000.")
            .Check(!(self && (body.IsActive == false || (body.Role is { } r && r != Role.Owner))), "role", "You cannot demote or deactivate yourself; ask another owner.");
        if (v.IsValid && body.AllowedChannelIds is { Count: > 0 } channels
            && await db.Channels.CountAsync(c => c.CompanyId == member.CompanyId && channels.Contains(c.Id), ct) != channels.Distinct().Count())
            v.Add("allowedChannelIds", "One or more channels do not exist in this company.");
        v.ThrowIfInvalid();

        if (body.Name is not null) target.Name = body.Name.Trim();
        if (body.ConsoleLanguage is not null) target.ConsoleLanguage = body.ConsoleLanguage;
        if (body.Role is { } role) target.Role = role;
        if (body.ChatLimit is { } limit) target.ChatLimit = limit;
        if (body.ClearChatLimit == true) target.ChatLimit = null;
        if (body.AllowedChannelIds is { } allowed) target.AllowedChannelIds = [.. allowed.Distinct()];
        if (body.IsActive is { } active) target.IsActive = active;
        await db.SaveChangesAsync(ct);
        return ToDto(target);
    }
}
