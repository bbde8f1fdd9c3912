using Parley.Domain.Conversations;
using Parley.Server.Conversations;

namespace Parley.Server.Console;

/// <summary>
/// The chat list's answer to a live event about a chat it already shows: the event carries the chat as it is now, so
/// a new message, a read or an edit moves and redraws that row instead of reading the whole page and the unread count
/// again — once per event in every console that shows the chat.
/// </summary>
public static class LiveList
{
    /// <summary>
    /// Puts <paramref name="changed"/> in the place of its row when that is exact: the list is unfiltered, the chat is
    /// shown, and it kept its folder and assignee (so it stays in this list and in everyone's counts) and did not go back
    /// in time. Returns the change in the number of unread chats (New and Active), or null when the list must be read again.
    /// </summary>
    public static int? TryApply(List<ConversationItem> items, ConversationItem changed, Folder folder, bool filtered)
    {
        if (filtered || changed.Folder != folder) return null;
        var index = items.FindIndex(i => i.Id == changed.Id);
        if (index < 0) return null;
        var old = items[index];
        if (old.Folder != changed.Folder || old.AssigneeId != changed.AssigneeId || changed.LastMessageAt < old.LastMessageAt) return null;

        // Newer or equal: the row can only move up, never past the rows not loaded yet.
        items.RemoveAt(index);
        var at = items.FindIndex(i => Precedes(changed, i));
        items.Insert(at < 0 ? items.Count : at, changed);
        return changed.Folder is Folder.New or Folder.Active ? Unread(changed) - Unread(old) : 0;
    }

    /// <summary>The list's order (<see cref="ConversationFinder"/>): newest last message first, then the greater id.</summary>
    private static bool Precedes(ConversationItem a, ConversationItem b) =>
        a.LastMessageAt != b.LastMessageAt
            ? a.LastMessageAt > b.LastMessageAt
            : string.Compare(a.Id.ToString("D"), b.Id.ToString("D"), StringComparison.OrdinalIgnoreCase) > 0;

    private static int Unread(ConversationItem c) => c.UnreadCount > 0 ? 1 : 0;
}
