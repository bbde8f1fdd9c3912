using Microsoft.AspNetCore.SignalR;
using Parley.Domain.Common;

namespace Parley.Server.Realtime;

/// <summary>
/// A refused rule reaches the hub caller as a HubException with the rule's own words (403/404/409 become text). A
/// HubException carries only a message, so the refusal's code rides in it: "Conflict [already_accepted_by]: ...".
/// </summary>
public sealed class HubErrors : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (RuleViolationException ex)
        {
            throw ToHubException(ex);
        }
    }

    public static HubException ToHubException(RuleViolationException ex) =>
        new(ex.Decision.Code is { } code ? $"{ex.Decision.Kind} [{code}]: {ex.Message}" : $"{ex.Decision.Kind}: {ex.Message}");
}
