using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Channels.Inbound;
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
        ChannelCapabilities Capabilities, DateTime CreatedAt, ChannelConnection? Connection, ChannelHealthDto Health, string? EmbedSnippet);

    /// <summary>What the console shows as the channel's health: when it last heard from the provider, sent, and failed.</summary>
    public sealed record ChannelHealthDto(DateTime? LastReceivedAt, DateTime? LastSentAt, DateTime? LastErrorAt, string? LastError);

    /// <summary>Secrets (and where to paste them) are for those who manage channels; managers see the channel without them.</summary>
    public static ChannelDto ToDto(Channel c, TeamMember viewer, ChannelConnectors connectors, Data.Inbound.ChannelState? state, string baseUrl) =>
        new(c.Id, c.Type, c.Name, c.IsEnabled, c.WebhookUrl, c.PublicToken, viewer.SeesEverything ? c.Secret : null,
            ChannelCapabilities.For(c.Type), c.CreatedAt,
            viewer.SeesEverything && c.SettingsJson != "{}" ? connectors.Find(c.Type)?.Describe(c) : null,
            new ChannelHealthDto(state?.LastReceivedAt, state?.LastSentAt, state?.LastErrorAt, state?.LastError),
            c.Type == ChannelType.Widget ? Widget.WidgetSettingsApi.EmbedSnippet(baseUrl, c.PublicToken) : null);

    private static string BaseUrl(HttpContext http) => http.RequestServices.GetRequiredService<Widget.WidgetOrigins>().BaseUrl(http.Request);

    private static async Task<IResult> List(HttpContext http, CurrentMember me, ParleyDbContext db, ChannelConnectors connectors, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(db, connectors, await me.GetAsync(http.User, ct), BaseUrl(http), ct));

    /// <summary>The company's channels with their health, as the API and the console show them.</summary>
    public static async Task<List<ChannelDto>> ListAsync(ParleyDbContext db, ChannelConnectors connectors, TeamMember member, string baseUrl, CancellationToken ct)
    {
        var rows = await db.Channels.AsNoTracking().Where(c => c.CompanyId == member.CompanyId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        var ids = rows.Select(c => c.Id).ToList();
        var states = await db.ChannelStates.AsNoTracking().Where(s => ids.Contains(s.ChannelId)).ToDictionaryAsync(s => s.ChannelId, ct);
        return [.. rows.Select(c => ToDto(c, member, connectors, states.GetValueOrDefault(c.Id), baseUrl))];
    }

    private static async Task<IResult> Get(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, ChannelConnectors connectors, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        var channel = await FindAsync(db, member, id, ct);
        return TypedResults.Ok(ToDto(channel, member, connectors, await StateAsync(db, channel.Id, ct), BaseUrl(http)));
    }

    /// <summary>
    /// <c>type</c> with its credentials: <c>telegram</c> + <c>botToken</c> (and <c>receive</c>: webhook or polling);
    /// <c>instagram</c> / <c>messenger</c> + <c>accessToken</c>, <c>appSecret</c> (and <c>humanAgent</c>);
    /// <c>whatsapp</c> + <c>accessToken</c>, <c>appSecret</c>, <c>phoneNumberId</c>; <c>api</c> + <c>webhookUrl</c>.
    /// </summary>
    public sealed record CreateRequest(string? Type, string? Name, string? WebhookUrl, string? BotToken = null, string? Receive = null,
        string? AccessToken = null, string? AppSecret = null, string? PhoneNumberId = null, bool? HumanAgent = null);

    private static async Task<IResult> Create(CreateRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, ChannelConnectors connectors, TimeProvider time, CancellationToken ct)
    {
        var channel = await CreateAsync(db, connectors, time, await me.GetAsync(http.User, ct), body, BaseUrl(http), ct);
        return TypedResults.Created($"/api/v1/channels/{channel.Id}", channel);
    }

    /// <summary>The use case behind POST /channels, shared with the console.</summary>
    public static async Task<ChannelDto> CreateAsync(
        ParleyDbContext db, ChannelConnectors connectors, TimeProvider time, TeamMember member, CreateRequest body, string baseUrl, CancellationToken ct)
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
        if (connectors.Find(type) is { } connector)
        {
            // The provider checks the credentials before anything is stored.
            await connector.ConnectAsync(channel, new ConnectRequest(body.BotToken, body.Receive, body.AccessToken, body.AppSecret, null, body.PhoneNumberId, body.HumanAgent), v, ct);
            v.ThrowIfInvalid();
        }

        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        return ToDto(channel, member, connectors, null, baseUrl);
    }

    public sealed record UpdateRequest(string? Name, string? WebhookUrl, bool? IsEnabled, bool? RotateSecret, bool? HumanAgent = null);

    private static async Task<IResult> Update(Guid id, UpdateRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, ChannelConnectors connectors, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(db, connectors, await me.GetAsync(http.User, ct), id, body, BaseUrl(http), ct));

    /// <summary>The use case behind PATCH /channels/{id}, shared with the console.</summary>
    public static async Task<ChannelDto> UpdateAsync(
        ParleyDbContext db, ChannelConnectors connectors, TeamMember member, Guid id, UpdateRequest body, string baseUrl, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var channel = await FindAsync(db, member, id, ct, tracked: true);
        var v = new Validation().MaxLength("name", body.Name, 200).Check(body.Name is null || body.Name.Trim().Length > 0, "name", "'name' cannot be empty.");
        if (body.WebhookUrl is not null) ValidateWebhook(v, body.WebhookUrl, required: channel.Type == ChannelType.Api);
        if (body.HumanAgent is not null && (channel.Type is not (ChannelType.Instagram or ChannelType.Messenger) || channel.SettingsJson == "{}"))
            v.Add("humanAgent", "'humanAgent' (the 7-day HUMAN_AGENT tag) applies to Instagram and Messenger channels only.");
        v.ThrowIfInvalid();
        if (body.Name is not null) channel.Name = body.Name.Trim();
        if (body.WebhookUrl is not null) channel.WebhookUrl = body.WebhookUrl.Trim();
        if (body.IsEnabled is { } enabled) channel.IsEnabled = enabled;
        if (body.RotateSecret == true) channel.Secret = NewSecret();
        if (body.HumanAgent is { } humanAgent) channel.SettingsJson = (Meta.MetaSettings.Of(channel) with { HumanAgent = humanAgent }).ToJson();

        await db.SaveChangesAsync(ct);
        return ToDto(channel, member, connectors, await StateAsync(db, channel.Id, ct), baseUrl);
    }

    private static Task<Data.Inbound.ChannelState?> StateAsync(ParleyDbContext db, Guid channelId, CancellationToken ct) =>
        db.ChannelStates.AsNoTracking().FirstOrDefaultAsync(s => s.ChannelId == channelId, ct);

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
        return await (tracked ? q : q.AsNoTracking()).FirstOrDefaultAsync(ct) ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.ChannelNotFound, "Channel not found."));
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
