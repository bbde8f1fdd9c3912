using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
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

    private static async Task<IResult> Get(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, WidgetOrigins origins, CancellationToken ct)
    {
        var channel = await FindAsync(id, http, me, db, tracked: false, ct);
        return TypedResults.Ok(Dto(channel, origins.BaseUrl(http.Request)));
    }

    private static async Task<IResult> Put(Guid id, WidgetSettingsRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, WidgetOrigins origins, CancellationToken ct)
    {
        var channel = await FindAsync(id, http, me, db, tracked: true, ct);
        var (settings, validation) = WidgetSettings.From(body);
        if (settings is null) return validation.Problem();
        settings.WriteTo(channel);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Dto(channel, origins.BaseUrl(http.Request)));
    }

    private static WidgetSettingsDto Dto(Channel channel, string baseUrl) =>
        new(channel.Id, channel.PublicToken, EmbedSnippet(baseUrl, channel.PublicToken), WidgetSettings.Read(channel));

    private static async Task<Channel> FindAsync(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, bool tracked, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        var q = db.Channels.Where(c => c.Id == id && c.CompanyId == member.CompanyId && c.Type == ChannelType.Widget);
        return await (tracked ? q : q.AsNoTracking()).FirstOrDefaultAsync(ct)
            ?? throw new RuleViolationException(Decision.NotFound("Widget channel not found."));
    }
}
