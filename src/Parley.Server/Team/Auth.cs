using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Server.Team;

public static class AuthSchemes
{
    public const string Token = "ParleyToken";
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Either = "ParleyTokenOrCookie";

    public const string MemberIdClaim = "parley:member";
    public const string CompanyIdClaim = "parley:company";

    public static IServiceCollection AddParleyAuth(this IServiceCollection services)
    {
        services.AddAuthentication(Either)
            .AddPolicyScheme(Either, "Token or cookie", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.Count > 0 || ctx.Request.Query.ContainsKey("access_token") ? Token : Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(Token, null)
            .AddCookie(Cookie, o =>
            {
                o.Cookie.Name = "parley.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/login";
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                // The API answers 401/403, never a redirect to the sign-in page.
                o.Events.OnRedirectToLogin = ctx => Refuse(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => Refuse(ctx, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorization();
        return services;
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewToken() => "prl_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static ClaimsPrincipal Principal(Guid memberId, Guid companyId, string role, string scheme) =>
        new(new ClaimsIdentity(
            [
                new Claim(MemberIdClaim, memberId.ToString()),
                new Claim(CompanyIdClaim, companyId.ToString()),
                new Claim(ClaimTypes.Role, role),
            ],
            scheme));

    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Personal API tokens: <c>Authorization: Bearer prl_…</c>, or <c>access_token</c> for hub WebSockets. Only hashes are stored.</summary>
internal sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ParleyDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = header["Bearer ".Length..].Trim();
        else if (Request.Path.StartsWithSegments("/hubs")) token = Request.Query["access_token"];
        if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();

        var hash = AuthSchemes.HashToken(token);
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Join(db.TeamMembers.Where(m => m.IsActive), t => t.MemberId, m => m.Id, (t, m) => new { m.Id, m.CompanyId, m.Role })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("The API token is not valid or was revoked.");
        return AuthenticateResult.Success(new AuthenticationTicket(
            AuthSchemes.Principal(found.Id, found.CompanyId, found.Role.ToString(), Scheme.Name), Scheme.Name));
    }
}
