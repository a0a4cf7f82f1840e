using Microsoft.Extensions.Options;

namespace MobileX.Api.Http;

/// <summary>Names the replica that served a request in every response, errors and health probes included.</summary>
public static class InstanceHeader
{
    /// <summary>The response header naming the replica.</summary>
    public const string Name = "X-MobileX-Instance";

    /// <summary>Adds <see cref="Name"/> (<see cref="ApiOptions.InstanceName"/>) to every response.</summary>
    public static IApplicationBuilder UseInstanceHeader(this IApplicationBuilder app)
    {
        var instance = app.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.InstanceName!;
        return app.Use((context, next) =>
        {
            context.Response.Headers[Name] = instance;
            return next(context);
        });
    }
}
