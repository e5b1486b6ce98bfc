package io.canopy.bench.measure;

import io.canopy.common.testing.RawBytes;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;

/**
 * The floor under a gateway process: the least a grpc-java relay can do per call. It answers
 * InferenceService/Predict by handing the request's bytes, unparsed, to serving and serving's
 * answer's bytes back — no routing, batching, retries, metrics or interceptors, callbacks on the
 * event loops ({@code directExecutor}). Run it as a process of its own beside a gateway and time
 * both against serving with {@link HopLatency}. Arguments: port, serving's HOST:PORT; runs until
 * killed.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests -Dmeasure.main=io.canopy.bench.measure.RelayFloor \
 *   -Dmeasure.args="9095 127.0.0.1:9200"
 * </pre>
 */
public final class RelayFloor {

  private RelayFloor() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: RelayFloor PORT SERVING_HOST:PORT");
      System.exit(2);
    }
    MethodDescriptor<byte[], byte[]> predict =
        RawBytes.unary(InferenceServiceGrpc.getPredictMethod().getFullMethodName());
    ManagedChannel serving =
        Grpc.newChannelBuilder(args[1], InsecureChannelCredentials.create())
            .directExecutor()
            .build();
    ServerServiceDefinition relay =
        ServerServiceDefinition.builder(InferenceServiceGrpc.SERVICE_NAME)
            .addMethod(
                predict,
                ServerCalls.asyncUnaryCall(
                    (byte[] request, StreamObserver<byte[]> answer) ->
                        ClientCalls.asyncUnaryCall(
                            serving.newCall(predict, CallOptions.DEFAULT), request, answer)))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])))
            .directExecutor()
            .addService(relay)
            .build()
            .start();
    System.out.println("relay floor on 127.0.0.1:" + server.getPort() + " → " + args[1]);
    server.awaitTermination();
  }
}
