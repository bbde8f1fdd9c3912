using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Channels;

public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannelsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels").WithTags("Channels");
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapPost("/", Create).WithSummary("Owner/supervisor: connect a channel. The secret is shown in full only here and to owner/supervisor.");
        group.MapPatch("/{id:guid}", Update);
        group.MapDelete("/{id:guid}", Disable).WithSummary("Disables the channel; its conversations stay.");
        return api;
    }

    public sealed record ChannelDto(Guid Id, ChannelType Type, string Name, bool IsEnabled, string? WebhookUrl, string PublicToken, string? Secret,
        ChannelCapabilities Capabilities, DateTime CreatedAt);

    /// <summary>Secrets are for those who manage channels; managers see the channel without them.</summary>
    public static ChannelDto ToDto(Channel c, TeamMember viewer) =>
        new(c.Id, c.Type, c.Name, c.IsEnabled, c.WebhookUrl, c.PublicToken, viewer.SeesEverything ? c.Secret : null,
            ChannelCapabilities.For(c.Type), c.CreatedAt);

    private static async Task<IResult> List(HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(db, await me.GetAsync(http.User, ct), ct));

    public static async Task<List<ChannelDto>> ListAsync(ParleyDbContext db, TeamMember member, CancellationToken ct)
    {
        var rows = await db.Channels.AsNoTracking().Where(c => c.CompanyId == member.CompanyId).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return [.. rows.Select(c => ToDto(c, member))];
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        return TypedResults.Ok(ToDto(await FindAsync(db, member, id, ct), member));
    }

    public sealed record CreateRequest(string? Type, string? Name, string? WebhookUrl);

    private static async Task<IResult> Create(CreateRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var channel = await CreateAsync(db, time, await me.GetAsync(http.User, ct), body, ct);
        return TypedResults.Created($"/api/v1/channels/{channel.Id}", channel);
    }

    /// <summary>The use case behind POST /channels, shared with the console.</summary>
    public static async Task<ChannelDto> CreateAsync(ParleyDbContext db, TimeProvider time, TeamMember member, CreateRequest body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var v = new Validation().Required("name", body.Name, 200)
            .Check(Enum.TryParse<ChannelType>(body.Type, true, out var type) && !int.TryParse(body.Type, out _), "type",
                $"'type' must be one of {string.Join(", ", Enum.GetNames<ChannelType>().Select(n => n.ToLowerInvariant()))}.");
        ValidateWebhook(v, body.WebhookUrl, required: type == ChannelType.Api);
        v.ThrowIfInvalid();

        var channel = new Channel
        {
            CompanyId = member.CompanyId,
            Type = type,
            Name = body.Name!.Trim(),
            WebhookUrl = string.IsNullOrWhiteSpace(body.WebhookUrl) ? null : body.WebhookUrl.Trim(),
            Secret = NewSecret(),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        return ToDto(channel, member);
    }

    public sealed record UpdateRequest(string? Name, string? WebhookUrl, bool? IsEnabled, bool? RotateSecret);

    private static async Task<IResult> Update(Guid id, UpdateRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(db, await me.GetAsync(http.User, ct), id, body, ct));

    /// <summary>The use case behind PATCH /channels/{id}, shared with the console.</summary>
    public static async Task<ChannelDto> UpdateAsync(ParleyDbContext db, TeamMember member, Guid id, UpdateRequest body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var channel = await FindAsync(db, member, id, ct, tracked: true);
        var v = new Validation().MaxLength("name", body.Name, 200).Check(body.Name is null || body.Name.Trim().Length > 0, "name", "'name' cannot be empty.");
        if (body.WebhookUrl is not null) ValidateWebhook(v, body.WebhookUrl, required: channel.Type == ChannelType.Api);
        v.ThrowIfInvalid();
        if (body.Name is not null) channel.Name = body.Name.Trim();
        if (body.WebhookUrl is not null) channel.WebhookUrl = body.WebhookUrl.Trim();
        if (body.IsEnabled is { } enabled) channel.IsEnabled = enabled;
        if (body.RotateSecret == true) channel.Secret = NewSecret();
        await db.SaveChangesAsync(ct);
        return ToDto(channel, member);
    }

    private static async Task<IResult> Disable(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var channel = await FindAsync(db, member, id, ct, tracked: true);
        channel.IsEnabled = false;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Channel> FindAsync(ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct, bool tracked = false)
    {
        var q = db.Channels.Where(c => c.Id == id && c.CompanyId == member.CompanyId);
        return await (tracked ? q : q.AsNoTracking()).FirstOrDefaultAsync(ct) ?? throw new RuleViolationException(Decision.NotFound("Channel not found."));
    }

    private static void ValidateWebhook(Validation v, string? url, bool required)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            v.Check(!required, "webhookUrl", "An API channel needs 'webhookUrl', where its outbound messages are POSTed.");
            return;
        }

        v.Check(Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && url.Length <= 2000,
            "webhookUrl", "'webhookUrl' must be an absolute http(s) URL.");
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
