using System.Reflection;
using Amazon.DynamoDBv2;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Decides how an intercepted DynamoDB call runs.</summary>
public interface IDynamoInterceptor
{
    /// <summary><paramref name="call"/> makes the real request; <paramref name="ct"/> is the caller's token.</summary>
    Task<T> InvokeAsync<T>(Func<Task<T>> call, CancellationToken ct);
}

/// <summary>
/// A DynamoDB client whose calls of the named methods go through an <see cref="IDynamoInterceptor"/> (to hold them, say);
/// every other call goes straight to the real client.
/// </summary>
public class InterceptedDynamo : DispatchProxy
{
    private static readonly MethodInfo Intercept = typeof(InterceptedDynamo).GetMethod(nameof(InterceptAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private IAmazonDynamoDB _inner = null!;
    private IDynamoInterceptor _interceptor = null!;
    private HashSet<string> _methods = null!;

    /// <summary><paramref name="methods"/>: method names of <see cref="IAmazonDynamoDB"/> (<c>BatchWriteItemAsync</c>).</summary>
    public static IAmazonDynamoDB Wrap(IAmazonDynamoDB inner, IDynamoInterceptor interceptor, params string[] methods)
    {
        var proxy = Create<IAmazonDynamoDB, InterceptedDynamo>();
        var self = (InterceptedDynamo)(object)proxy;
        (self._inner, self._interceptor, self._methods) = (inner, interceptor, [.. methods]);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (_methods.Contains(method!.Name) && method.ReturnType.IsGenericType)
            return Intercept.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(this, [method, args]);
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private Task<T> InterceptAsync<T>(MethodInfo method, object?[]? args) =>
        _interceptor.InvokeAsync(() => (Task<T>)method.Invoke(_inner, args)!,
            args?.OfType<CancellationToken>().FirstOrDefault() ?? CancellationToken.None);
}
