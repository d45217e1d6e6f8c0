namespace AdManager.Api.Security;

/// <summary>The roles of <c>spec/api.md</c> and the one policy that applies them.</summary>
public static class PlatformRoles
{
    /// <summary>May do everything: submit and cancel jobs, and read.</summary>
    public const string Admin = "platform-admin";

    /// <summary>May only read (GET).</summary>
    public const string Viewer = "platform-viewer";

    /// <summary>
    /// The policy on every <c>/admin</c> endpoint: reads need either role, anything else needs
    /// <see cref="Admin"/>. Deciding by HTTP method means an endpoint added later cannot forget it.
    /// </summary>
    public const string Policy = "platform";

    /// <summary>Reads: the only methods a viewer may use.</summary>
    public static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
}
