using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Clients;
using Parley.Domain.Common;

namespace Parley.Server.Channels.Widget;

/// <summary>
/// What the site or the pre-chat form tells about the visitor (<c>Parley('customerData', …)</c>). It only fills what
/// the client card does not have yet: a manager's corrections are never overwritten by a page.
/// </summary>
public sealed record CustomerData(string? Name, string? Email, string? Phone, string? Note, string? Language, Dictionary<string, string>? CustomFields)
{
    public const string NoteField = "note";

    /// <summary>The first invalid field in words a visitor understands, or null.</summary>
    public string? Validate()
    {
        if (Name is { Length: > 200 }) return "'name' must be at most 200 characters.";
        if (!string.IsNullOrWhiteSpace(Email) && !ContactValidation.IsEmail(Email.Trim())) return "'email' is not a valid email address.";
        if (!string.IsNullOrWhiteSpace(Phone) && ContactValidation.ToE164(Phone) is null)
            return "'phone' is not a valid phone number: use the international format, e.g. +380501234567.";
        if (Note is { Length: > 2000 }) return "'note' must be at most 2000 characters.";
        if (!string.IsNullOrWhiteSpace(Language) && Languages.Normalize(Language) is null) return "'language' must be a code such as uk or en.";
        if (CustomFields is { Count: > 20 }) return "At most 20 'customFields'.";
        if (CustomFields?.Any(f => f.Key.Length is 0 or > 50 || f.Value is null || f.Value.Length > 500) == true)
            return "'customFields' keys must have 1–50 characters and values at most 500.";
        return null;
    }

    public async Task ApplyAsync(ParleyDbContext db, Visitor visitor, CancellationToken ct)
    {
        var clientId = await VisitorHistory.ClientIdAsync(db, visitor, ct);
        var client = clientId is null ? null : await db.Clients.FirstOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return;
        if (!string.IsNullOrWhiteSpace(Name)) client.Name ??= Name.Trim();
        if (!string.IsNullOrWhiteSpace(Email)) client.Email ??= Email.Trim();
        if (!string.IsNullOrWhiteSpace(Phone)) client.Phone ??= ContactValidation.ToE164(Phone);
        var fields = new Dictionary<string, string>(client.CustomFields);
        foreach (var (key, value) in CustomFields ?? []) fields.TryAdd(key, value);
        if (!string.IsNullOrWhiteSpace(Note)) fields.TryAdd(NoteField, Note.Trim());
        // A new dictionary instance, so that the JSON column is seen as changed.
        if (fields.Count != client.CustomFields.Count) client.CustomFields = fields;
        await db.SaveChangesAsync(ct);
    }
}
