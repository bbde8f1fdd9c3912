using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Identity;
using Parley.Domain.Team;
using Parley.Server.Infrastructure;

namespace Parley.Server.Team;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth");
        group.MapPost("/tokens", CreateToken).AllowAnonymous().WithSummary("Sign in with email and password; returns a personal API token.");
        group.MapGet("/tokens", ListTokens);
        group.MapDelete("/tokens/{id:guid}", RevokeToken);
        group.MapPost("/login", Login).AllowAnonymous().WithSummary("Sign in for the console (sets a cookie).");
        group.MapPost("/logout", (Delegate)Logout);
        api.MapGet("/me", Me).WithTags("Auth");
        return api;
    }

    public sealed record Credentials(string? Email, string? Password, string? Name);

    public sealed record TokenCreated(Guid Id, string Token, string Name, Guid MemberId, Guid CompanyId, Role Role);

    private static async Task<IResult> CreateToken(Credentials body, SignIn signIn, ParleyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var v = new Validation().Required("email", body.Email, 254).Required("password", body.Password, 200).MaxLength("name", body.Name, 200);
        if (!v.IsValid) return v.Problem();
        var member = await signIn.CheckAsync(body.Email!, body.Password!, ct);
        if (member is null) return Unauthorized();

        var token = AuthSchemes.NewToken();
        var row = new ApiToken
        {
            MemberId = member.Id,
            Name = string.IsNullOrWhiteSpace(body.Name) ? "API token" : body.Name.Trim(),
            TokenHash = AuthSchemes.HashToken(token),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/auth/tokens/{row.Id}", new TokenCreated(row.Id, token, row.Name, member.Id, member.CompanyId, member.Role));
    }

    private static async Task<IResult> ListTokens(HttpContext http, ParleyDbContext db, CancellationToken ct)
    {
        var memberId = CurrentMember.MemberId(http.User);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.MemberId == memberId && t.RevokedAt == null)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => new { t.Id, t.Name, t.CreatedAt }).ToListAsync(ct);
        return TypedResults.Ok(tokens);
    }

    private static async Task<IResult> RevokeToken(Guid id, HttpContext http, ParleyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var memberId = CurrentMember.MemberId(http.User);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.MemberId == memberId && t.RevokedAt == null, ct);
        if (token is null) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "Token not found.");
        token.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Login(Credentials body, SignIn signIn, HttpContext http, CancellationToken ct)
    {
        var v = new Validation().Required("email", body.Email, 254).Required("password", body.Password, 200);
        if (!v.IsValid) return v.Problem();
        var member = await signIn.CheckAsync(body.Email!, body.Password!, ct);
        if (member is null) return Unauthorized();
        await http.SignInAsync(AuthSchemes.Cookie, AuthSchemes.Principal(member.Id, member.CompanyId, member.Role.ToString(), AuthSchemes.Cookie));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Logout(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Me(HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct);
        return TypedResults.Ok(new
        {
            member = TeamApi.ToDto(member),
            company = new { company.Id, company.Name, company.TimeZone, company.Settings.MainLanguage },
        });
    }

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: 401, title: "Sign-in failed", detail: "The email or password is wrong, or the account is locked after repeated failures.");
}

/// <summary>Password checks through ASP.NET Core Identity, with lockout after repeated failures.</summary>
public sealed class SignIn(UserManager<MemberAccount> users, ParleyDbContext db)
{
    public async Task<TeamMember?> CheckAsync(string email, string password, CancellationToken ct)
    {
        var account = await users.FindByEmailAsync(email.Trim());
        if (account is null || await users.IsLockedOutAsync(account)) return null;
        if (!await users.CheckPasswordAsync(account, password))
        {
            await users.AccessFailedAsync(account);
            return null;
        }

        await users.ResetAccessFailedCountAsync(account);
        return await db.TeamMembers.AsNoTracking().FirstOrDefaultAsync(m => m.Id == account.Id && m.IsActive, ct);
    }

    /// <summary>Emails are unique across the installation, whatever their case.</summary>
    public async Task<bool> EmailTakenAsync(string email) => await users.FindByEmailAsync(email) is not null;

    /// <summary>Creates the sign-in account for a member, with the same id.</summary>
    public async Task<IdentityResult> CreateAccountAsync(TeamMember member, string password)
    {
        var account = new MemberAccount { Id = member.Id, UserName = member.Email, Email = member.Email, EmailConfirmed = true, LockoutEnabled = true };
        return await users.CreateAsync(account, password);
    }
}
