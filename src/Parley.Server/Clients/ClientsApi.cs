using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Clients;
using Parley.Domain.Common;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure;
using Parley.Server.Team;

namespace Parley.Server.Clients;

public static class ClientsApi
{
    public static RouteGroupBuilder MapClientsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/clients").WithTags("Clients");
        group.MapGet("/{id:guid}", Get).WithSummary("The client card.");
        group.MapPatch("/{id:guid}", Update);
        group.MapGet("/{id:guid}/conversations", Conversations).WithSummary("All the client's conversations, with topics and ratings.");
        group.MapGet("/{id:guid}/notes", Notes);
        group.MapPost("/{id:guid}/notes", AddNote);
        group.MapPut("/{id:guid}/tags", SetTags);
        group.MapPost("/{id:guid}/block", (Guid id, HttpContext http, CurrentMember me, ClientService clients, CancellationToken ct) => Block(id, true, http, me, clients, ct));
        group.MapPost("/{id:guid}/unblock", (Guid id, HttpContext http, CurrentMember me, ClientService clients, CancellationToken ct) => Block(id, false, http, me, clients, ct));
        return api;
    }

    public sealed record IdentityDto(Guid ChannelId, string ExternalId, string? Username);

    public sealed record ClientCard(
        Guid Id, string? Name, string? Username, string? Email, string? Phone, string? PhotoUrl, string? Language, Guid? ManagerId,
        bool IsBlocked, bool IsVerified, IReadOnlyDictionary<string, string> CustomFields, IReadOnlyList<Guid> TagIds, IReadOnlyList<IdentityDto> Identities,
        DateTime CreatedAt);

    public static ClientCard ToCard(Client c) => new(
        c.Id, c.Name, c.Username, c.Email, c.Phone, c.PhotoUrl, c.Language, c.ManagerId, c.IsBlocked, c.IsVerified, c.CustomFields,
        [.. c.Tags.Select(t => t.TagId)], [.. c.Identities.Select(i => new IdentityDto(i.ChannelId, i.ExternalId, i.Username))], c.CreatedAt);

    private static async Task<IResult> Get(Guid id, HttpContext http, CurrentMember me, ClientService clients, CancellationToken ct) =>
        TypedResults.Ok(ToCard(await clients.VisibleAsync(await me.GetAsync(http.User, ct), id, ct)));

    public sealed record UpdateRequest(string? Name, string? Email, string? Phone, string? Language, Guid? ManagerId, Dictionary<string, string>? CustomFields);

    private static async Task<IResult> Update(Guid id, UpdateRequest body, HttpContext http, CurrentMember me, ClientService clients, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(clients, db, await me.GetAsync(http.User, ct), id, body, ct));

    /// <summary>The use case behind PATCH /clients/{id}, shared with the console's client card.</summary>
    public static async Task<ClientCard> UpdateAsync(ClientService clients, ParleyDbContext db, TeamMember member, Guid id, UpdateRequest body, CancellationToken ct)
    {
        var client = await clients.VisibleAsync(member, id, ct, tracked: true);
        var phone = string.IsNullOrWhiteSpace(body.Phone) ? null : ContactValidation.ToE164(body.Phone);
        var v = new Validation().MaxLength("name", body.Name, 200)
            .Check(string.IsNullOrWhiteSpace(body.Email) || ContactValidation.IsEmail(body.Email.Trim()), "email", "'email' is not a valid email address.")
            .Check(string.IsNullOrWhiteSpace(body.Phone) || phone is not null, "phone", "'phone' must be an international number, e.g. +380501234567.")
            .Check(body.Language is null || body.Language.Length == 0 || Languages.Normalize(body.Language) is not null, "language", "'language' must be a language code such as uk or en.")
            .Check(body.CustomFields is null || body.CustomFields.Count <= 50, "customFields", "At most 50 custom fields.");
        foreach (var (key, value) in body.CustomFields ?? [])
            v.Check(key.Length is > 0 and <= 64 && value.Length <= 1000, "customFields", $"Custom field '{key}' must have a key of 1–64 characters and a value of at most 1000.");
        if (body.ManagerId is { } managerId)
        {
            ConversationService.Ensure(Permissions.CanChangeClientManager(member));
            v.Check(await db.TeamMembers.AnyAsync(m => m.Id == managerId && m.CompanyId == member.CompanyId, ct), "managerId", "No such team member in this company.");
        }

        v.ThrowIfInvalid();
        if (body.Name is not null) client.Name = body.Name.Trim().Length == 0 ? null : body.Name.Trim();
        if (body.Email is not null) client.Email = body.Email.Trim().Length == 0 ? null : body.Email.Trim();
        if (body.Phone is not null) client.Phone = phone;
        if (body.Language is not null) client.Language = Languages.Normalize(body.Language);
        if (body.ManagerId is not null) client.ManagerId = body.ManagerId;
        if (body.CustomFields is not null) client.CustomFields = body.CustomFields;
        await db.SaveChangesAsync(ct);
        return ToCard(client);
    }

    private static async Task<IResult> Conversations(Guid id, HttpContext http, CurrentMember me, ClientService clients, ConversationFinder finder, string? cursor, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        await clients.VisibleAsync(member, id, ct);
        return TypedResults.Ok(await finder.ListAsync(member, new ConversationFilter { ClientId = id }, cursor, 50, ct));
    }

    public sealed record NoteDto(Guid Id, Guid AuthorId, string Text, DateTime CreatedAt);

    private static async Task<IResult> Notes(Guid id, HttpContext http, CurrentMember me, ClientService clients, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await NotesAsync(clients, db, await me.GetAsync(http.User, ct), id, ct));

    public static async Task<List<NoteDto>> NotesAsync(ClientService clients, ParleyDbContext db, TeamMember member, Guid id, CancellationToken ct)
    {
        await clients.VisibleAsync(member, id, ct);
        return await db.ClientNotes.AsNoTracking().Where(n => n.ClientId == id).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id)
            .Select(n => new NoteDto(n.Id, n.AuthorId, n.Text, n.CreatedAt)).ToListAsync(ct);
    }

    public sealed record NoteRequest(string? Text);

    private static async Task<IResult> AddNote(Guid id, NoteRequest body, HttpContext http, CurrentMember me, ClientService clients, ParleyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var note = await AddNoteAsync(clients, db, time, await me.GetAsync(http.User, ct), id, body, ct);
        return TypedResults.Created($"/api/v1/clients/{id}/notes/{note.Id}", note);
    }

    public static async Task<NoteDto> AddNoteAsync(ClientService clients, ParleyDbContext db, TimeProvider time, TeamMember member, Guid id, NoteRequest body, CancellationToken ct)
    {
        new Validation().Required("text", body.Text, 4000).ThrowIfInvalid();
        await clients.VisibleAsync(member, id, ct);
        var note = new ClientNote { ClientId = id, AuthorId = member.Id, Text = body.Text!, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.ClientNotes.Add(note);
        await db.SaveChangesAsync(ct);
        return new NoteDto(note.Id, note.AuthorId, note.Text, note.CreatedAt);
    }

    public sealed record TagsRequest(List<Guid>? TagIds);

    private static async Task<IResult> SetTags(Guid id, TagsRequest body, HttpContext http, CurrentMember me, ClientService clients, ParleyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await SetTagsAsync(clients, db, await me.GetAsync(http.User, ct), id, body, ct));

    public static async Task<ClientCard> SetTagsAsync(ClientService clients, ParleyDbContext db, TeamMember member, Guid id, TagsRequest body, CancellationToken ct)
    {
        if (body.TagIds is null) new Validation().Add("tagIds", "'tagIds' is required (an empty list clears them).").ThrowIfInvalid();
        var client = await clients.VisibleAsync(member, id, ct, tracked: true);
        var wanted = body.TagIds!.Distinct().ToList();
        var known = await db.Tags.Where(t => t.CompanyId == member.CompanyId && wanted.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        if (known.Count != wanted.Count) new Validation().Add("tagIds", "One or more tags do not exist in this company.").ThrowIfInvalid();
        client.Tags.RemoveAll(t => !known.Contains(t.TagId));
        foreach (var tagId in known.Where(k => client.Tags.All(t => t.TagId != k))) client.Tags.Add(new ClientTag { ClientId = id, TagId = tagId });
        await db.SaveChangesAsync(ct);
        return ToCard(client);
    }

    private static async Task<IResult> Block(Guid id, bool blocked, HttpContext http, CurrentMember me, ClientService clients, CancellationToken ct)
    {
        var member = await me.GetAsync(http.User, ct);
        await clients.SetBlockedAsync(member, id, blocked, ct);
        return TypedResults.Ok(ToCard(await clients.VisibleAsync(member, id, ct)));
    }
}
