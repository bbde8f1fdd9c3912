using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Catalog;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Catalog;

/// <summary>Topics (on conversations) and tags (on clients): everyone reads, owner and supervisor manage.</summary>
public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this RouteGroupBuilder api)
    {
        var topics = api.MapGroup("/topics").WithTags("Topics and tags");
        topics.MapGet("/", async (HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        {
            var member = await me.GetAsync(http.User, ct);
            return TypedResults.Ok(await db.Topics.AsNoTracking().Where(t => t.CompanyId == member.CompanyId).OrderBy(t => t.Name)
                .Select(t => new TopicDto(t.Id, t.Name)).ToListAsync(ct));
        });
        topics.MapPost("/", CreateTopic);
        topics.MapPatch("/{id:guid}", RenameTopic);
        topics.MapDelete("/{id:guid}", DeleteTopic);

        var tags = api.MapGroup("/tags").WithTags("Topics and tags");
        tags.MapGet("/", async (HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct) =>
        {
            var member = await me.GetAsync(http.User, ct);
            return TypedResults.Ok(await db.Tags.AsNoTracking().Where(t => t.CompanyId == member.CompanyId).OrderBy(t => t.Name)
                .Select(t => new TagDto(t.Id, t.Name, t.Color)).ToListAsync(ct));
        });
        tags.MapPost("/", CreateTag);
        tags.MapPatch("/{id:guid}", UpdateTag);
        tags.MapDelete("/{id:guid}", DeleteTag);
        return api;
    }

    public sealed record TopicDto(Guid Id, string Name);

    public sealed record TagDto(Guid Id, string Name, string Color);

    public sealed record NameRequest(string? Name, string? Color);

    private static async Task<IResult> CreateTopic(NameRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var topic = await CreateTopicAsync(db, await me.GetAsync(http.User, ct), body, ct);
        return TypedResults.Created($"/api/v1/topics/{topic.Id}", topic);
    }

    public static async Task<TopicDto> CreateTopicAsync(ParleyDbContext db, TeamMember member, NameRequest body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        (await ValidateNameAsync(body.Name, db.Topics.Where(t => t.CompanyId == member.CompanyId).Select(t => t.Name), ct)).ThrowIfInvalid();
        var topic = new Topic { CompanyId = member.CompanyId, Name = body.Name!.Trim() };
        db.Topics.Add(topic);
        await db.SaveChangesAsync(ct);
        return new TopicDto(topic.Id, topic.Name);
    }

    private static async Task<IResult> RenameTopic(Guid id, NameRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await ManagerOfWorkspaceAsync(http, me, ct);
        var topic = await db.Topics.FirstOrDefaultAsync(t => t.Id == id && t.CompanyId == member.CompanyId, ct) ?? throw NotFound(RefusalCodes.TopicNotFound, "Topic");
        var v = await ValidateNameAsync(body.Name, db.Topics.Where(t => t.CompanyId == member.CompanyId && t.Id != id).Select(t => t.Name), ct);
        if (!v.IsValid) return v.Problem();
        topic.Name = body.Name!.Trim();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new TopicDto(topic.Id, topic.Name));
    }

    private static async Task<IResult> DeleteTopic(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        await DeleteTopicAsync(db, await me.GetAsync(http.User, ct), id, ct);
        return TypedResults.NoContent();
    }

    public static async Task DeleteTopicAsync(ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        if (await db.Topics.Where(t => t.Id == id && t.CompanyId == member.CompanyId).ExecuteDeleteAsync(ct) == 0) throw NotFound(RefusalCodes.TopicNotFound, "Topic");
    }

    private static async Task<IResult> CreateTag(NameRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var tag = await CreateTagAsync(db, await me.GetAsync(http.User, ct), body, ct);
        return TypedResults.Created($"/api/v1/tags/{tag.Id}", tag);
    }

    public static async Task<TagDto> CreateTagAsync(ParleyDbContext db, TeamMember member, NameRequest body, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        (await ValidateNameAsync(body.Name, db.Tags.Where(t => t.CompanyId == member.CompanyId).Select(t => t.Name), ct))
            .Check(IsColor(body.Color), "color", "'color' must look like #1e88e5.").ThrowIfInvalid();
        var tag = new Tag { CompanyId = member.CompanyId, Name = body.Name!.Trim(), Color = body.Color ?? "#607d8b" };
        db.Tags.Add(tag);
        await db.SaveChangesAsync(ct);
        return new TagDto(tag.Id, tag.Name, tag.Color);
    }

    private static async Task<IResult> UpdateTag(Guid id, NameRequest body, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        var member = await ManagerOfWorkspaceAsync(http, me, ct);
        var tag = await db.Tags.FirstOrDefaultAsync(t => t.Id == id && t.CompanyId == member.CompanyId, ct) ?? throw NotFound(RefusalCodes.TagNotFound, "Tag");
        var v = (body.Name is null ? new Validation() : await ValidateNameAsync(body.Name, db.Tags.Where(t => t.CompanyId == member.CompanyId && t.Id != id).Select(t => t.Name), ct))
            .Check(IsColor(body.Color), "color", "'color' must look like #1e88e5.");
        if (!v.IsValid) return v.Problem();
        if (body.Name is not null) tag.Name = body.Name.Trim();
        if (body.Color is not null) tag.Color = body.Color;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new TagDto(tag.Id, tag.Name, tag.Color));
    }

    private static async Task<IResult> DeleteTag(Guid id, HttpContext http, CurrentMember me, ParleyDbContext db, CancellationToken ct)
    {
        await DeleteTagAsync(db, await me.GetAsync(http.User, ct), id, ct);
        return TypedResults.NoContent();
    }

    public static async Task DeleteTagAsync(ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct)
    {
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        if (await db.Tags.Where(t => t.Id == id && t.CompanyId == member.CompanyId).ExecuteDeleteAsync(ct) == 0) throw NotFound(RefusalCodes.TagNotFound, "Tag");
    }

    private static async Task<TeamMember> ManagerOfWorkspaceAsync(HttpContext http, CurrentMember me, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        ConversationService.Ensure(Permissions.CanManageWorkspace(member));
        return member;
    }

    private static async Task<Validation> ValidateNameAsync(string? name, IQueryable<string> existing, CancellationToken ct)
    {
        var v = new Validation().Required("name", name, 100);
        if (v.IsValid && await existing.AnyAsync(n => n == name!.Trim(), ct)) v.Add("name", "This name is already used.");
        return v;
    }

    private static bool IsColor(string? color) =>
        color is null || (color.Length == 7 && color[0] == '#' && color[1..].All(char.IsAsciiHexDigit));

    private static RuleViolationException NotFound(string code, string what) => new(Decision.NotFound(code, $"{what} not found."));
}
