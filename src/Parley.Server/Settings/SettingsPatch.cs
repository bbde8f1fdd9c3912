using System.Text.Json;
using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Settings;
using Parley.Server.Infrastructure;

namespace Parley.Server.Settings;

/// <summary>Applies a JSON merge-patch of Settings → Company, field by field, collecting every invalid field.</summary>
internal sealed class SettingsPatch(JsonElement body)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private static readonly HashSet<string> Known =
    [
        "name", "timeZone", "mainLanguage", "notifyOnManagerChange", "askWhetherResolved", "ratingRequired", "showTopics", "topicRequired",
        "forbidEditing", "forbidDeleting", "managersMayChangeManager", "managersMayBlockClients", "inactivityCloseMinutes", "businessHoursEnabled",
        "businessHours", "distribution",
    ];

    public Validation ApplyTo(Company company)
    {
        var v = new Validation();
        var s = company.Settings;
        foreach (var p in body.EnumerateObject())
        {
            if (!Known.Contains(p.Name)) v.Add(p.Name, $"'{p.Name}' is not a company setting.");
        }

        String(v, "name", 200, x => company.Name = x);
        String(v, "timeZone", 64, x =>
        {
            if (TimeZones.Exists(x)) company.TimeZone = x;
            else v.Add("timeZone", $"'{x}' is not a known time zone; use an IANA name such as Europe/Kyiv.");
        });
        String(v, "mainLanguage", 8, x =>
        {
            if (Languages.Normalize(x) == x) s.MainLanguage = x;
            else v.Add("mainLanguage", "'mainLanguage' must be a language code such as uk or en.");
        });
        Bool(v, "notifyOnManagerChange", x => s.NotifyOnManagerChange = x);
        Bool(v, "askWhetherResolved", x => s.AskWhetherResolved = x);
        Bool(v, "ratingRequired", x => s.RatingRequired = x);
        Bool(v, "showTopics", x => s.ShowTopics = x);
        Bool(v, "topicRequired", x => s.TopicRequired = x);
        Bool(v, "forbidEditing", x => s.ForbidEditing = x);
        Bool(v, "forbidDeleting", x => s.ForbidDeleting = x);
        Bool(v, "managersMayChangeManager", x => s.ManagersMayChangeManager = x);
        Bool(v, "managersMayBlockClients", x => s.ManagersMayBlockClients = x);
        Bool(v, "businessHoursEnabled", x => s.BusinessHoursEnabled = x);
        if (body.TryGetProperty("inactivityCloseMinutes", out var minutes))
        {
            if (minutes.ValueKind == JsonValueKind.Null) s.InactivityCloseMinutes = null;
            else if (minutes.ValueKind == JsonValueKind.Number && minutes.TryGetInt32(out var m) && m is >= 1 and <= 10080) s.InactivityCloseMinutes = m;
            else v.Add("inactivityCloseMinutes", "'inactivityCloseMinutes' must be whole minutes from 1 to 10080, or null to turn it off.");
        }

        if (body.TryGetProperty("businessHours", out var hours))
        {
            try
            {
                var intervals = hours.Deserialize<List<BusinessInterval>>(Json) ?? [];
                var parsed = new BusinessHours { Intervals = intervals };
                var errors = parsed.Validate().ToList();
                foreach (var e in errors) v.Add("businessHours", e);
                if (errors.Count == 0) s.BusinessHours = parsed;
            }
            catch (JsonException)
            {
                v.Add("businessHours", "'businessHours' must be a list of {\"day\":\"Monday\",\"opens\":\"09:00\",\"closes\":\"18:00\"}.");
            }
        }

        if (body.TryGetProperty("distribution", out _))
            v.Add("distribution", "Distribution options are changed with PATCH /api/v1/distribution/settings (owner and supervisor).");

        return v;
    }

    private void Bool(Validation v, string name, Action<bool> set)
    {
        if (!body.TryGetProperty(name, out var value)) return;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) set(value.GetBoolean());
        else v.Add(name, $"'{name}' must be true or false.");
    }

    private void String(Validation v, string name, int maxLength, Action<string> set)
    {
        if (!body.TryGetProperty(name, out var value)) return;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text && text.Length <= maxLength && text.Trim().Length > 0) set(text.Trim());
        else v.Add(name, $"'{name}' must be a non-empty text of at most {maxLength} characters.");
    }
}
