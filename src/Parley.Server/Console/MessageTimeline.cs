using Parley.Server.Conversations;

namespace Parley.Server.Console;

/// <summary>
/// The messages a conversation pane shows. A reload reads a page while live events and the member's own sends keep
/// arriving; what arrived after the page was read must stay, or a note just sent would vanish until the next event.
/// </summary>
public static class MessageTimeline
{
    /// <summary>
    /// The freshly read <paramref name="page"/> (oldest first), then every shown message it does not hold that is not
    /// older than its newest. A message in both keeps the shown copy only when that copy was edited or deleted later.
    /// </summary>
    public static List<MessageDto> Reloaded(IReadOnlyList<MessageDto> shown, IReadOnlyList<MessageDto> page)
    {
        var byId = new Dictionary<Guid, MessageDto>(shown.Count);
        foreach (var m in shown) byId[m.Id] = m;

        var result = new List<MessageDto>(page.Count + 4);
        var inPage = new HashSet<Guid>();
        foreach (var m in page)
        {
            inPage.Add(m.Id);
            result.Add(byId.TryGetValue(m.Id, out var mine) && Changed(mine) > Changed(m) ? mine : m);
        }

        var newest = page.Count == 0 ? DateTime.MinValue : page.Max(m => m.CreatedAt);
        result.AddRange(shown.Where(m => !inPage.Contains(m.Id) && m.CreatedAt >= newest).OrderBy(m => m.CreatedAt));
        return result;
    }

    private static DateTime Changed(MessageDto m) => new[] { m.EditedAt, m.DeletedAt }.Max() ?? DateTime.MinValue;
}
