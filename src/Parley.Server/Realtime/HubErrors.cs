using Microsoft.AspNetCore.SignalR;
using Parley.Domain.Common;

namespace Parley.Server.Realtime;

/// <summary>A refused rule reaches the hub caller as a HubException with the rule's own words (403/404/409 become text).</summary>
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
            throw new HubException($"{ex.Decision.Kind}: {ex.Message}");
        }
    }
}
