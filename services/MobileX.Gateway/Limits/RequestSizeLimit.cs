using Microsoft.Extensions.Options;

namespace MobileX.Gateway.Limits;

/// <summary>Answers 413 problem+json before proxying a body whose declared length is over the limit.</summary>
public static class RequestSizeLimit
{
    /// <summary>Names the API replica that served a response; the gateway names itself on answers it makes alone.</summary>
    public const string InstanceHeader = "X-MobileX-Instance";

    /// <summary>Refuses bodies over <see cref="GatewayOptions.MaxRequestBodyBytes"/> and names the gateway on its own answers.</summary>
    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
        return app.Use(async (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                response.Headers.TryAdd(InstanceHeader, "gateway");
                return Task.CompletedTask;
            }, context.Response);

            if (context.Request.ContentLength > limit)
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"The body has {context.Request.ContentLength} bytes; the gateway accepts at most {limit} (Gateway:MaxRequestBodyBytes).");
                return;
            }

            await next(context);
        });
    }
}
