using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Channels.Widget;

/// <summary><c>GET/PUT /api/v1/channels/{id}/widget</c>: a widget's appearance, pre-chat form, allowed origins and verification rule.</summary>
public static class WidgetSettingsApi
{
    public static RouteGroupBuilder MapWidgetSettingsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels/{id:guid}/widget").WithTags("Widget");
        group.MapGet("/", Get).WithSummary("Owner/supervisor: the widget's settings and its embed snippet.");
        group.MapPut("/", Put).WithSummary("Owner/supervisor: replaces the widget's settings; an omitted field takes its default.");
        return api;
    }

    public sealed record WidgetSettingsDto(Guid ChannelId, string PublicToken, string EmbedSnippet, WidgetSettings Settings);

    /// <summary>The one line a site owner pastes before &lt;/body&gt;.</summary>
    public static string EmbedSnippet(string baseUrl, string publicToken) =>
        $"<script src=\"{baseUrl}/widget.js\" data-channel=\"{publicToken}\" async></script>";

    private static async Task<IResult> Get(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, WidgetOrigins origins, CancellationToken ct) =>
        TypedResults.Ok(await GetAsync(db, await me.GetAsync(http.User, ct), id, origins.BaseUrl(http.Request), ct));

    private static async Task<IResult> Put(Guid id, WidgetSettingsRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, WidgetOrigins origins, CancellationToken ct) =>
        TypedResults.Ok(await SaveAsync(db, await me.GetAsync(http.User, ct), id, body, origins.BaseUrl(http.Request), ct));

    /// <summary>The use case behind GET, shared with the console: the widget's settings and its embed snippet.</summary>
    public static async Task<WidgetSettingsDto> GetAsync(ParleyDbContext db, TeamMember member, Guid id, string baseUrl, CancellationToken ct)
    {
        var channel = await FindAsync(id, member, db, tracked: false, ct);
        return Dto(channel, baseUrl);
    }

    /// <summary>
    /// The use case behind PUT, shared with the console: validates the whole request and, only when every field is valid,
    /// replaces the stored settings (invalid input throws <see cref="InvalidRequestException"/> and changes nothing).
    /// </summary>
    public static async Task<WidgetSettingsDto> SaveAsync(ParleyDbContext db, TeamMember member, Guid id, WidgetSettingsRequest body, string baseUrl, CancellationToken ct)
    {
        var channel = await FindAsync(id, member, db, tracked: true, ct);
        var (settings, validation) = WidgetSettings.From(body);
        validation.ThrowIfInvalid();
        settings!.WriteTo(channel);
        await db.SaveChangesAsync(ct);
        return Dto(channel, baseUrl);
    }

    private static WidgetSettingsDto Dto(Channel channel, string baseUrl) =>
        new(channel.Id, channel.PublicToken, EmbedSnippet(baseUrl, channel.PublicToken), WidgetSettings.Read(channel));

    private static async Task<Channel> FindAsync(Guid id, TeamMember member, ParleyDbContext db, bool tracked, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var q = db.Channels.Where(c => c.Id == id && c.CompanyId == member.CompanyId && c.Type == ChannelType.Widget);
        return await (tracked ? q : q.AsNoTracking()).FirstOrDefaultAsync(ct)
            ?? throw new RuleViolationException(Decision.NotFound(RefusalCodes.WidgetChannelNotFound, "Widget channel not found."));
    }
}
